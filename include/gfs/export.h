/* @file export.h
 * @brief GFS_API marks the symbols libgfs exports (everything else is hidden). */
#ifndef GFS_EXPORT_H
#define GFS_EXPORT_H

#if defined(_WIN32)
#define GFS_API __declspec(dllexport)
#elif defined(__GNUC__)
#define GFS_API __attribute__((visibility("default")))
#else
#define GFS_API
#endif

#endif /* GFS_EXPORT_H */
