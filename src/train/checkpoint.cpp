/// @file checkpoint.cpp
/// @brief The checkpoint file format (checkpoint.hpp): writer, checked reader, fingerprints.
#include "train/checkpoint.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "common/safe_file.hpp"
#include "gfs/error.hpp"

namespace gfs::train {
namespace {

constexpr char kMagic[8] = {'G', 'F', 'S', 'C', 'K', 'P', 'T', '\n'};
constexpr std::uint32_t kByteOrderMark = 0x01020304U;

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

/// Appends plain values to a byte buffer.
class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    raw(&v, sizeof v);
  }
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const char*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  template <typename T>
  void vec(const std::vector<T>& v) {
    if (!v.empty()) raw(v.data(), v.size() * sizeof(T));
  }
  std::vector<char> bytes;
};

/// Reads plain values from a byte buffer; running past its end is a truncated file.
class Reader {
 public:
  Reader(const std::vector<char>& b, std::size_t end, const std::string& path) : b_(b), end_(end), path_(path) {}
  template <typename T>
  T get(const char* what) {
    T v{};
    raw(&v, sizeof v, what);
    return v;
  }
  void raw(void* out, std::size_t n, const char* what) {
    if (n > end_ - at_) {
      throw Error(ErrorCode::kInvalidData, "checkpoint " + path_ + " is truncated (it ends inside its " + what +
                                               "): it was not written whole; resume from an earlier one");
    }
    if (n > 0) std::memcpy(out, b_.data() + at_, n);
    at_ += n;
  }
  template <typename T>
  void vec(std::vector<T>& v, std::uint64_t n, const char* what) {
    if (n > (end_ - at_) / sizeof(T)) raw(nullptr, end_ - at_ + 1, what);  // throws: truncated
    v.resize(static_cast<std::size_t>(n));
    raw(v.data(), v.size() * sizeof(T), what);
  }
  [[nodiscard]] std::size_t left() const { return end_ - at_; }

 private:
  const std::vector<char>& b_;
  std::size_t end_;
  std::size_t at_ = 0;
  const std::string& path_;
};

[[noreturn]] void io_fail(const std::string& what, const std::string& path) {
  throw Error(ErrorCode::kIo, "cannot " + what + " checkpoint " + path + ": " + std::strerror(errno));
}

/// The bytes of checkpoint `path`: a regular file only (a directory, a FIFO or a device is refused
/// without blocking on it), read no further than its magic unless that is a checkpoint's.
std::vector<char> read_checkpoint_bytes(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);  // a FIFO's open must not wait
  if (fd < 0) io_fail("open", path);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) io_fail("read", path);
  if (S_ISDIR(st.st_mode))
    throw Error(ErrorCode::kInvalidArgument, "checkpoint " + path + " is a directory: give the checkpoint file");
  if (!S_ISREG(st.st_mode))
    throw Error(ErrorCode::kInvalidArgument, "checkpoint " + path +
                                                 " is not a regular file (a device, FIFO or socket): give the "
                                                 "checkpoint file");
  std::vector<char> b(sizeof kMagic);
  std::size_t have = 0;
  const auto read_to = [&](std::size_t want) {
    while (have < want) {
      const ssize_t n = ::read(fd, b.data() + have, want - have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) io_fail("read", path);
      if (n == 0) break;
      have += static_cast<std::size_t>(n);
    }
  };
  read_to(sizeof kMagic);
  if (have < sizeof kMagic || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
    throw Error(ErrorCode::kInvalidData, path + " is not a gfs checkpoint (it does not start with GFSCKPT)");
  // The rest, as long as the file is (it may have changed since fstat: read to its end).
  for (std::size_t want = std::max<std::size_t>(static_cast<std::size_t>(st.st_size), sizeof kMagic) + 1;;
       want = b.size() * 2) {
    b.resize(want);
    read_to(want);
    if (have < want) break;
  }
  b.resize(have);
  return b;
}

/// The first line where two settings texts differ, as "key=a (checkpoint) vs key=b (this fit)".
std::string first_difference(const std::string& saved, const std::string& now) {
  std::istringstream a(saved), b(now);
  std::string la, lb;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(a, la)), gb = static_cast<bool>(std::getline(b, lb));
    if (!ga && !gb) return "";
    if (!ga) la = "(nothing)";
    if (!gb) lb = "(nothing)";
    if (la != lb) return la + " in the checkpoint, " + lb + " in this fit";
  }
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t n, std::uint32_t crc) {
  static const std::array<std::uint32_t, 256> table = make_crc_table();
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

DataFingerprint DataFingerprint::of(const float* x, std::int64_t rows, std::int64_t columns, const float* y,
                                    int targets) {
  DataFingerprint f;
  f.rows = static_cast<std::uint64_t>(rows);
  f.columns = static_cast<std::uint64_t>(columns);
  f.targets = static_cast<std::uint32_t>(targets);
  f.x_crc = crc32(x, static_cast<std::size_t>(rows * columns) * sizeof(float));
  f.y_crc = crc32(y, static_cast<std::size_t>(rows * targets) * sizeof(float));
  return f;
}

void store_state(Checkpoint& c, const TrainState& state) {
  c.members = state.values.members;
  c.member_floats = state.values.layout.size;
  c.step = state.step;
  c.values = state.values.flat;
  c.moment1 = state.moment1.flat;
  c.moment2 = state.moment2.flat;
}

TrainState load_state(const Checkpoint& c, const ModelShape& shape, const std::string& path) {
  const ParamLayout layout(shape);
  if (c.member_floats != layout.size) {
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path + " holds models of " + std::to_string(c.member_floats) +
                                             " parameters, this fit's have " + std::to_string(layout.size));
  }
  TrainState s;
  s.values = Params<float>(layout, c.values);
  s.moment1 = Params<float>(layout, c.moment1);
  s.moment2 = Params<float>(layout, c.moment2);
  s.step = c.step;
  return s;
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.put(kCheckpointVersion);
  w.put(kByteOrderMark);
  w.put(static_cast<std::uint32_t>(c.settings.size()));
  w.raw(c.settings.data(), c.settings.size());
  w.put(c.data.rows);
  w.put(c.data.columns);
  w.put(c.data.targets);
  w.put(c.data.x_crc);
  w.put(c.data.y_crc);
  w.put(c.first_column);
  w.put(c.columns);
  w.put(static_cast<std::int32_t>(c.position.epochs_done));
  w.put(static_cast<std::int32_t>(c.position.unchanged_epochs));
  w.put(static_cast<std::int32_t>(c.members));
  w.put(c.member_floats);
  w.put(c.step);
  w.vec(c.values);
  w.vec(c.moment1);
  w.vec(c.moment2);
  w.put(static_cast<std::uint32_t>(c.history.size()));
  for (const EpochRecord& r : c.history) {
    w.put(static_cast<std::int32_t>(r.epoch));
    for (float v : {r.tau, r.loss, r.task_loss, r.select_loss, r.mean_mask}) w.put(v);
    w.put(static_cast<std::int32_t>(r.n_active));
    w.put(static_cast<std::int32_t>(r.n_trained));
  }
  w.put(static_cast<std::uint64_t>(c.probability_history.size()));
  w.vec(c.probability_history);
  w.put(crc32(w.bytes.data(), w.bytes.size()));
  // The one way gfs writes a file: a fresh temporary beside it (O_EXCL, never through a link),
  // synced and renamed over it; a directory or a device at the path is refused, never replaced.
  sys::write_whole_file(path, w.bytes.data(), w.bytes.size(), {}, "checkpoint", sys::SpecialFiles::kRefuse);
}

Checkpoint read_checkpoint(const std::string& path) {
  const std::vector<char> b = read_checkpoint_bytes(path);

  if (b.size() < sizeof kMagic || std::memcmp(b.data(), kMagic, sizeof kMagic) != 0)
    throw Error(ErrorCode::kInvalidData, path + " is not a gfs checkpoint (it does not start with GFSCKPT)");
  Reader head(b, b.size(), path);
  char magic[sizeof kMagic];
  head.raw(magic, sizeof magic, "header");
  const auto version = head.get<std::uint32_t>("header");
  if (version != kCheckpointVersion) {
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path + " has format version " + std::to_string(version) +
                                             "; this gfs reads version " + std::to_string(kCheckpointVersion) +
                                             ": resume with the gfs that wrote it, or start the fit again");
  }
  if (head.get<std::uint32_t>("header") != kByteOrderMark)
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path + " was written on a machine of another byte order");
  if (b.size() < sizeof kMagic + 3 * sizeof(std::uint32_t)) head.raw(nullptr, b.size() + 1, "checksum");
  const std::size_t body = b.size() - sizeof(std::uint32_t);
  std::uint32_t stored = 0;
  std::memcpy(&stored, b.data() + body, sizeof stored);
  if (crc32(b.data(), body) != stored) {
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path +
                                             " fails its checksum (truncated or damaged): resume from an earlier "
                                             "one or start the fit again");
  }

  Reader r(b, body, path);
  r.raw(magic, sizeof magic, "header");
  r.get<std::uint32_t>("header");
  r.get<std::uint32_t>("header");
  Checkpoint c;
  const auto settings_len = r.get<std::uint32_t>("settings");
  std::vector<char> text;
  r.vec(text, settings_len, "settings");
  c.settings.assign(text.begin(), text.end());
  c.data.rows = r.get<std::uint64_t>("data fingerprint");
  c.data.columns = r.get<std::uint64_t>("data fingerprint");
  c.data.targets = r.get<std::uint32_t>("data fingerprint");
  c.data.x_crc = r.get<std::uint32_t>("data fingerprint");
  c.data.y_crc = r.get<std::uint32_t>("data fingerprint");
  c.first_column = r.get<std::int64_t>("column block");
  c.columns = r.get<std::int64_t>("column block");
  c.position.epochs_done = r.get<std::int32_t>("position");
  c.position.unchanged_epochs = r.get<std::int32_t>("position");
  c.members = r.get<std::int32_t>("position");
  c.member_floats = r.get<std::uint64_t>("position");
  c.step = r.get<std::int64_t>("position");
  if (c.members < 1 || c.position.epochs_done < 0 || c.position.unchanged_epochs < 0 || c.step < 0)
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path + " holds an impossible position");
  const std::uint64_t floats = c.member_floats * static_cast<std::uint64_t>(c.members);
  if (c.member_floats > r.left() || floats > r.left()) r.raw(nullptr, r.left() + 1, "parameters");  // throws: truncated
  r.vec(c.values, floats, "parameters");
  r.vec(c.moment1, floats, "first moments");
  r.vec(c.moment2, floats, "second moments");
  const auto records = r.get<std::uint32_t>("history");
  for (std::uint32_t i = 0; i < records; ++i) {
    EpochRecord e;
    e.epoch = r.get<std::int32_t>("history");
    e.tau = r.get<float>("history");
    e.loss = r.get<float>("history");
    e.task_loss = r.get<float>("history");
    e.select_loss = r.get<float>("history");
    e.mean_mask = r.get<float>("history");
    e.n_active = r.get<std::int32_t>("history");
    e.n_trained = r.get<std::int32_t>("history");
    c.history.push_back(e);
  }
  r.vec(c.probability_history, r.get<std::uint64_t>("probability history"), "probability history");
  if (r.left() != 0)
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path + " has " + std::to_string(r.left()) +
                                             " bytes after its last field: it is damaged");
  return c;
}

void check_checkpoint_matches(const Checkpoint& c, const std::string& path, const std::string& settings,
                              const DataFingerprint& data, std::int64_t first_column, std::int64_t columns) {
  if (!(c.data == data) && c.data.rows == data.rows && c.data.columns == data.columns && c.data.x_crc == data.x_crc) {
    // The features are the fit's, the targets are not: name them (x's checksum would read the same twice).
    throw Error(ErrorCode::kInvalidArgument,
                "checkpoint " + path + " belongs to other data: other labels (" + std::to_string(c.data.targets) +
                    " target column(s), labels' checksum " + std::to_string(c.data.y_crc) + ") than this fit's (" +
                    std::to_string(data.targets) + ", labels' checksum " + std::to_string(data.y_crc) +
                    "; the features match): resume with the same target column and labels");
  }
  if (!(c.data == data)) {
    throw Error(ErrorCode::kInvalidArgument,
                "checkpoint " + path + " belongs to other data (" + std::to_string(c.data.rows) + " x " +
                    std::to_string(c.data.columns) + ", checksum " + std::to_string(c.data.x_crc) +
                    ") than this fit's (" + std::to_string(data.rows) + " x " + std::to_string(data.columns) +
                    ", checksum " + std::to_string(data.x_crc) + "): resume with the same input and targets");
  }
  const std::string diff = first_difference(c.settings, settings);
  if (!diff.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "checkpoint " + path + " was written with other settings (" + diff +
                                                 "): resume with the settings of the fit that wrote it");
  }
  if (c.first_column != first_column || c.columns != columns) {
    throw Error(ErrorCode::kInvalidArgument, "checkpoint " + path + " holds columns " + std::to_string(c.first_column) +
                                                 ".." + std::to_string(c.first_column + c.columns - 1) +
                                                 ", this process trains " + std::to_string(first_column) + ".." +
                                                 std::to_string(first_column + columns - 1) +
                                                 ": resume with the same number of MPI ranks");
  }
  if (static_cast<std::int64_t>(c.history.size()) != c.position.epochs_done)
    throw Error(ErrorCode::kInvalidData, "checkpoint " + path + " holds a history that does not match its epoch");
}

}  // namespace gfs::train
