/// @file gfs.hpp
/// @brief Everything of the C++ API in one include.
#pragma once

#include "gfs/config.hpp"
#include "gfs/device.hpp"
#include "gfs/error.hpp"
#include "gfs/result.hpp"
#include "gfs/selector.hpp"
#include "gfs/version.hpp"
