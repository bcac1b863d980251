/// @file checkpoint.hpp
/// @brief The checkpoint file: the whole training state of a fit, written atomically, read back
///        with every field checked (format version, checksum, the data and the settings it belongs to).
///
/// Format version 1 (all numbers in the writing machine's byte order, which the file records; every
/// platform gfs builds on is little-endian):
///
///   magic "GFSCKPT\n" | u32 version | u32 byte-order mark 0x01020304
///   u32 length, bytes: the settings text (one "key=value" per line; Checkpoint::settings)
///   u64 rows | u64 columns | u32 target columns | u32 CRC-32 of X | u32 CRC-32 of y   (the data)
///   i64 first column | i64 columns held                                  (the block this file holds)
///   i32 epochs done | i32 members | u64 floats per member | i64 Adam steps taken
///   f32 values [members * floats] | f32 first moments [same] | f32 second moments [same]
///   u32 records, each: i32 epoch, f32 tau, loss, task_loss, select_loss, mean_mask, i32 n_active
///   u64 floats, f32 probability history [floats]
///   u32 CRC-32 (IEEE 802.3, as zlib's crc32) of every byte before it
///
/// A fit resumed from the file replays the schedule to its epoch (Schedule::order) and imports the
/// state, so it continues exactly where the checkpointed fit stood.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "gfs/result.hpp"
#include "train/plan.hpp"
#include "train/schedule.hpp"

namespace gfs::train {

constexpr std::uint32_t kCheckpointVersion = 1;

/// CRC-32 (the IEEE polynomial, reflected; crc32("123456789") == 0xCBF43926), continuing from `crc`.
std::uint32_t crc32(const void* data, std::size_t n, std::uint32_t crc = 0);

/// What the state belongs to: the shape and a checksum of the raw data (before standardising).
struct DataFingerprint {
  std::uint64_t rows = 0, columns = 0;
  std::uint32_t targets = 0, x_crc = 0, y_crc = 0;
  static DataFingerprint of(const float* x, std::int64_t rows, std::int64_t columns, const float* y, int targets);
  bool operator==(const DataFingerprint& o) const {
    return rows == o.rows && columns == o.columns && targets == o.targets && x_crc == o.x_crc && y_crc == o.y_crc;
  }
};

struct Checkpoint {
  std::string settings;  ///< every setting that shapes the fit's result, "key=value\n" each
  DataFingerprint data;
  std::int64_t first_column = 0, columns = 0;  ///< the columns the state holds (a rank's block under MPI)
  Position position;                           ///< epochs done
  int members = 1;
  std::uint64_t member_floats = 0;              ///< floats per member (ParamLayout::size)
  std::int64_t step = 0;                        ///< Adam steps taken
  std::vector<float> values, moment1, moment2;  ///< [members, member_floats] each
  std::vector<EpochRecord> history;             ///< the fit's records of epochs 1..position
  std::vector<float> probability_history;       ///< [position, D] when the fit records p_j, else empty
};

/// Stores `state` (every member) in `c`.
void store_state(Checkpoint& c, const TrainState& state);
/// The state in `c` for models of `shape`; throws gfs::Error (kInvalidData) when its size is not theirs.
TrainState load_state(const Checkpoint& c, const ModelShape& shape, const std::string& path);

/// Writes `c` to `path` atomically (a temporary file beside it, synced, then renamed over it).
/// Throws gfs::Error (kIo) naming the path.
void write_checkpoint(const std::string& path, const Checkpoint& c);

/// Reads and checks a checkpoint file. Throws gfs::Error: kIo when it cannot be read, kInvalidData
/// naming what is wrong (not a checkpoint, another format version, truncated, checksum mismatch).
Checkpoint read_checkpoint(const std::string& path);

/// Throws gfs::Error (kInvalidArgument) when `c` belongs to other data or other settings, naming
/// the first difference.
void check_checkpoint_matches(const Checkpoint& c, const std::string& path, const std::string& settings,
                              const DataFingerprint& data, std::int64_t first_column, std::int64_t columns);

}  // namespace gfs::train
