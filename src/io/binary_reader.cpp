/// @file binary_reader.cpp
/// @brief NumPy .npy and IDX (MNIST family) arrays, converted to float32 in blocks as they are read,
///        so that memory holds the float32 array and one block, never the raw bytes as well.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "io/binary_detail.hpp"
#include "io/io_util.hpp"
#include "io/readers.hpp"

namespace gfs::io::detail {

std::string int_text(const unsigned char* p, DType t) {
  if (t.kind == 'u' || t.kind == 'b') {
    std::uint64_t v = 0;
    switch (t.size) {
      case 1:
        v = *p;
        break;
      case 2:
        v = load<std::uint16_t>(p, t.big_endian);
        break;
      case 4:
        v = load<std::uint32_t>(p, t.big_endian);
        break;
      default:
        v = load<std::uint64_t>(p, t.big_endian);
    }
    return std::to_string(v);
  }
  std::int64_t v = 0;
  switch (t.size) {
    case 1:
      v = static_cast<std::int8_t>(*p);
      break;
    case 2:
      v = load<std::int16_t>(p, t.big_endian);
      break;
    case 4:
      v = load<std::int32_t>(p, t.big_endian);
      break;
    default:
      v = load<std::int64_t>(p, t.big_endian);
  }
  return std::to_string(v);
}

namespace {

/// Fills the array's `count` floats from src; checks the size claim first against what the stream
/// can hold and, with the fit's needs, against memory. Where the stream's true size is unknown (a
/// pipe, gzip), the array grows with the data actually read, so a header that lies about its size
/// fails as "truncated" long before it could allocate what it claims.
void read_elements(ByteSource& src, Array& a, std::uint64_t count, DType t, std::uint64_t header,
                   const ArrayLimits& limits, const char* what, bool column_major = false) {
  std::uint64_t raw = 0;
  if (__builtin_mul_overflow(count, static_cast<std::uint64_t>(t.size), &raw) ||
      raw > src.max_size() - std::min(src.max_size(), header)) {
    fail(ErrorCode::kInvalidData, src.name(),
         "truncated: the header promises " + std::to_string(count) + " values (" + human_bytes(raw) +
             ") but the file is only " + human_bytes(src.max_size()));
  }
  const std::uint64_t rows = a.shape.empty() ? 1 : a.shape[0];
  const std::uint64_t cols = rows == 0 ? 0 : count / rows;
  check_allocation(rows, cols, sizeof(float), limits.max_bytes, src.name(), what,
                   limits.fit_bytes && rows > 0 ? limits.fit_bytes(rows, cols) : 0);
  std::vector<float>& out = a.data;
  const bool known = src.exact_size() != 0;
  constexpr std::uint64_t kGrowFrom = std::uint64_t{1} << 20;
  out.clear();
  out.reserve(static_cast<std::size_t>(known ? count : std::min(count, kGrowFrom)));
  const bool ints = limits.keep_int_text && (t.kind == 'i' || t.kind == 'u');
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  std::vector<unsigned char> block(kBlock);
  std::uint64_t done = 0;
  while (done < count) {
    const std::uint64_t n = std::min<std::uint64_t>(count - done, kBlock / static_cast<std::uint64_t>(t.size));
    const std::size_t bytes = static_cast<std::size_t>(n) * static_cast<std::size_t>(t.size);
    if (src.read_fully(reinterpret_cast<char*>(block.data()), bytes) != bytes) {
      fail(ErrorCode::kInvalidData, src.name(),
           "truncated: the file ends after " + std::to_string(done) + " of the " + std::to_string(count) +
               " values its header promises");
    }
    out.resize(static_cast<std::size_t>(done + n));
    if (t.kind == 'f' && t.size == 4 && !t.big_endian) {  // the common case: float32 as stored
      std::memcpy(out.data() + done, block.data(), bytes);
      done += n;
      continue;
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      const unsigned char* e = block.data() + i * static_cast<std::uint64_t>(t.size);
      if (t.kind == 'f' && t.size == 8) {
        const double v = load<double>(e, t.big_endian);
        if (std::isfinite(v) && std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
          char num[32];
          std::snprintf(num, sizeof num, "%g", v);
          const std::uint64_t at = done + i;
          const std::uint64_t row = column_major ? at % rows : (cols ? at / cols : at);
          const std::uint64_t col = column_major ? at / rows : (cols ? at % cols : 0);
          fail(ErrorCode::kInvalidData, src.name(),
               "row " + std::to_string(row) + ", column " + std::to_string(col) +
                   " (0-based) is " + num +
                   ": finite in float64 but outside the float32 range (+-3.4e38) gfs computes in; rescale the data");
        }
      }
      out[static_cast<std::size_t>(done + i)] = convert_one(e, t);
      if (ints) a.int_text.push(int_text(e, t));
    }
    done += n;
  }
  expect_end(src);
}

/// The value of 'key' in a NumPy header dict, as raw text up to the next top-level comma or '}'.
std::string npy_field(const std::string& header, const std::string& key, const std::string& file) {
  std::size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) k = header.find("\"" + key + "\"");
  if (k == std::string::npos) fail(ErrorCode::kInvalidData, file, "the .npy header has no '" + key + "' entry");
  std::size_t i = header.find(':', k);
  if (i == std::string::npos) fail(ErrorCode::kInvalidData, file, "malformed .npy header");
  ++i;
  while (i < header.size() && header[i] == ' ') ++i;
  int depth = 0;
  std::size_t j = i;
  for (; j < header.size(); ++j) {
    const char c = header[j];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth <= 0 && (c == ',' || c == '}')) break;
  }
  return header.substr(i, j - i + (depth < 0 ? 1 : 0));
}

DType npy_dtype(const std::string& descr, const std::string& file) {
  if (descr.size() < 4 || (descr.front() != '\'' && descr.front() != '"')) {
    fail(ErrorCode::kInvalidData, file,
         "dtype " + descr +
             " is not supported (structured arrays "
             "are not; save a plain numeric 2-D array)");
  }
  const std::string d = descr.substr(1, descr.size() - 2);
  DType t;
  t.big_endian = d[0] == '>';
  t.kind = d[1];
  t.size = d.size() == 3 ? d[2] - '0' : 0;
  const bool ok_size = t.kind == 'f'   ? (t.size == 4 || t.size == 8)
                       : t.kind == 'b' ? t.size == 1
                                       : (t.size == 1 || t.size == 2 || t.size == 4 || t.size == 8);
  if (d.size() != 3 || std::string("<>|=").find(d[0]) == std::string::npos ||
      std::string("fiub").find(t.kind) == std::string::npos || !ok_size) {
    fail(ErrorCode::kInvalidData, file,
         "dtype '" + d +
             "' is not supported: use float32 or float64 "
             "(or an integer/bool type for labels)");
  }
  if (t.big_endian && t.size > 1) {
    fail(ErrorCode::kInvalidData, file,
         "dtype '" + d +
             "' is big-endian: convert it with "
             "x.astype(x.dtype.newbyteorder('<')) before saving");
  }
  return t;
}

std::vector<std::uint64_t> npy_shape(const std::string& text, const std::string& file) {
  std::vector<std::uint64_t> shape;
  if (text.empty() || text.front() != '(' || text.back() != ')') {
    fail(ErrorCode::kInvalidData, file, "malformed shape " + text + " in the .npy header");
  }
  const char* p = text.data() + 1;
  const char* end = text.data() + text.size() - 1;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == ',')) ++p;
    if (p == end) break;
    std::uint64_t v = 0;
    const auto r = std::from_chars(p, end, v);
    if (r.ec != std::errc{}) fail(ErrorCode::kInvalidData, file, "malformed shape " + text + " in the .npy header");
    shape.push_back(v);
    p = r.ptr;
    if (p < end && *p == 'L') ++p;  // Python 2 longs
  }
  return shape;
}

/// Moves the NPY columns named by 0-based index (negative from the end) from x into y, in place.
void split_target_columns(Dataset& d, const std::vector<std::string>& specs) {
  std::vector<int> slot(static_cast<std::size_t>(d.n_cols), -1);
  int n_targets = 0;
  for (const std::string& spec : specs) {
    std::int64_t index = 0;
    const auto r = std::from_chars(spec.data(), spec.data() + spec.size(), index);
    if (spec.empty() || r.ec != std::errc{} || r.ptr != spec.data() + spec.size()) {
      fail(ErrorCode::kInvalidData, d.path,
           "target '" + spec +
               "' must be a 0-based column index: "
               ".npy files have no column names");
    }
    if (index < 0) index += d.n_cols;
    if (index < 0 || index >= d.n_cols) {
      fail(ErrorCode::kInvalidData, d.path,
           "target index " + spec + " is out of range: the array has " + std::to_string(d.n_cols) + " columns");
    }
    if (slot[static_cast<std::size_t>(index)] >= 0) {
      fail(ErrorCode::kInvalidData, d.path, "column " + std::to_string(index) + " is given as a target twice");
    }
    slot[static_cast<std::size_t>(index)] = n_targets++;
  }
  const std::int64_t keep = d.n_cols - n_targets;
  if (keep == 0) fail(ErrorCode::kInvalidData, d.path, "no feature columns are left once the target is removed");
  d.y.assign(static_cast<std::size_t>(d.n_rows * n_targets), 0.0F);
  // Row r's features move to r * keep <= r * n_cols: writing never overtakes reading.
  for (std::int64_t r = 0; r < d.n_rows; ++r) {
    std::int64_t out = r * keep;
    for (std::int64_t c = 0; c < d.n_cols; ++c) {
      const float v = d.x[static_cast<std::size_t>(r * d.n_cols + c)];
      const int t = slot[static_cast<std::size_t>(c)];
      if (t >= 0) {
        d.y[static_cast<std::size_t>(r * n_targets + t)] = v;
      } else {
        d.x[static_cast<std::size_t>(out++)] = v;
      }
    }
  }
  d.x.resize(static_cast<std::size_t>(d.n_rows * keep));
  d.n_cols = keep;
  d.n_targets = n_targets;
}

}  // namespace

float convert_one(const unsigned char* p, DType t) {
  switch (t.kind) {
    case 'f':
      return t.size == 4 ? load<float>(p, t.big_endian) : static_cast<float>(load<double>(p, t.big_endian));
    case 'b':
      return *p != 0 ? 1.0F : 0.0F;
    case 'u':
      switch (t.size) {
        case 1:
          return static_cast<float>(*p);
        case 2:
          return static_cast<float>(load<std::uint16_t>(p, t.big_endian));
        case 4:
          return static_cast<float>(load<std::uint32_t>(p, t.big_endian));
        default:
          return static_cast<float>(load<std::uint64_t>(p, t.big_endian));
      }
    default:
      switch (t.size) {
        case 1:
          return static_cast<float>(static_cast<std::int8_t>(*p));
        case 2:
          return static_cast<float>(load<std::int16_t>(p, t.big_endian));
        case 4:
          return static_cast<float>(load<std::int32_t>(p, t.big_endian));
        default:
          return static_cast<float>(load<std::int64_t>(p, t.big_endian));
      }
  }
}

void expect_end(ByteSource& src) {
  char extra = 0;
  if (src.read(&extra, 1) != 0) {
    fail(ErrorCode::kInvalidData, src.name(),
         "has bytes after the data its header describes (a corrupt or concatenated file?)");
  }
}

std::vector<float> transposed(const std::vector<float>& column_major, std::uint64_t rows, std::uint64_t cols) {
  std::vector<float> out(column_major.size());
  constexpr std::uint64_t kTile = 64;  // a tile of each side stays in cache while it is copied
  for (std::uint64_t c0 = 0; c0 < cols; c0 += kTile) {
    const std::uint64_t c1 = std::min(cols, c0 + kTile);
    for (std::uint64_t r0 = 0; r0 < rows; r0 += kTile) {
      const std::uint64_t r1 = std::min(rows, r0 + kTile);
      for (std::uint64_t c = c0; c < c1; ++c)
        for (std::uint64_t r = r0; r < r1; ++r)
          out[static_cast<std::size_t>(r * cols + c)] = column_major[static_cast<std::size_t>(c * rows + r)];
    }
  }
  return out;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

NpyHeader read_npy_header(ByteSource& src) {
  unsigned char pre[12] = {};
  const std::size_t got = src.read_fully(reinterpret_cast<char*>(pre), 8);
  if (got == 0) fail(ErrorCode::kInvalidData, src.name(), "the file is empty");
  if (got < 8 || std::memcmp(pre, "\x93NUMPY", 6) != 0) {
    fail(ErrorCode::kInvalidData, src.name(),
         "bad magic: not a NumPy .npy file (it should start "
         "with \\x93NUMPY; save with numpy.save)");
  }
  const int major = pre[6];
  if (major < 1 || major > 3) {
    fail(ErrorCode::kInvalidData, src.name(),
         ".npy format version " + std::to_string(major) + "." + std::to_string(pre[7]) +
             " is not supported (1.0 to 3.0 are)");
  }
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (src.read_fully(reinterpret_cast<char*>(pre + 8), len_bytes) != len_bytes) {
    fail(ErrorCode::kInvalidData, src.name(), "truncated .npy header");
  }
  std::uint64_t hlen = pre[8] | (static_cast<std::uint64_t>(pre[9]) << 8);
  if (major > 1) {
    unsigned char b[4];
    std::memcpy(b, pre + 8, 4);
    hlen = b[0] | (static_cast<std::uint64_t>(b[1]) << 8) | (static_cast<std::uint64_t>(b[2]) << 16) |
           (static_cast<std::uint64_t>(b[3]) << 24);
  }
  if (hlen > (std::uint64_t{1} << 20)) fail(ErrorCode::kInvalidData, src.name(), "implausible .npy header length");
  std::string header(hlen, '\0');
  if (src.read_fully(header.data(), hlen) != hlen) fail(ErrorCode::kInvalidData, src.name(), "truncated .npy header");
  const std::string fortran = npy_field(header, "fortran_order", src.name());
  NpyHeader h;
  if (fortran.rfind("True", 0) == 0) {
    h.fortran = true;
  } else if (fortran.rfind("False", 0) != 0) {
    fail(ErrorCode::kInvalidData, src.name(), "the .npy header's 'fortran_order' is neither True nor False");
  }
  h.shape = npy_shape(npy_field(header, "shape", src.name()), src.name());
  h.t = npy_dtype(npy_field(header, "descr", src.name()), src.name());
  for (std::uint64_t s : h.shape) {
    if (__builtin_mul_overflow(h.count, s, &h.count)) {
      fail(ErrorCode::kInvalidData, src.name(), "shape " + shape_text(h.shape) + " is too large to address in memory");
    }
  }
  h.bytes = 8 + len_bytes + hlen;
  return h;
}

/// The array columns --target names (0-based, negative from the end), marked in is_target.
std::vector<std::uint64_t> target_columns(const std::vector<std::string>& specs, std::uint64_t cols,
                                          const std::string& file, std::vector<bool>& is_target) {
  std::vector<std::uint64_t> targets;
  for (const std::string& t : specs) {
    std::int64_t index = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), index);
    if (t.empty() || r.ec != std::errc{} || r.ptr != t.data() + t.size()) {
      fail(ErrorCode::kInvalidData, file,
           "target '" + t + "' must be a 0-based column index: .npy files have no column names");
    }
    if (index < 0) index += static_cast<std::int64_t>(cols);
    if (index < 0 || static_cast<std::uint64_t>(index) >= cols) {
      fail(ErrorCode::kInvalidData, file,
           "target index " + t + " is out of range: the array has " + std::to_string(cols) + " columns");
    }
    if (is_target[static_cast<std::size_t>(index)]) {
      fail(ErrorCode::kInvalidData, file, "column " + std::to_string(index) + " is given as a target twice");
    }
    is_target[static_cast<std::size_t>(index)] = true;
    targets.push_back(static_cast<std::uint64_t>(index));
  }
  return targets;
}

Array read_npy_array(ByteSource& src, const ArrayLimits& limits, const char* what) {
  const NpyHeader h = read_npy_header(src);
  if (h.fortran && h.shape.size() > 2) {
    fail(ErrorCode::kInvalidData, src.name(),
         "a Fortran-order array of shape " + shape_text(h.shape) + " has more than 2 dimensions; gfs reads 1-D and 2-D");
  }
  Array a;
  a.shape = h.shape;
  const bool transpose = h.fortran && h.shape.size() == 2 && h.shape[0] > 1 && h.shape[1] > 1;
  // A column-major file is read as stored (one pass over the stream, a pipe too) and transposed
  // once whole: a second copy of the array for that moment.
  read_elements(src, a, h.count, h.t, h.bytes, limits, what, transpose);
  if (transpose) a.data = transposed(a.data, h.shape[0], h.shape[1]);
  return a;
}

Array read_idx_array(ByteSource& src, const ArrayLimits& limits, const char* what) {
  unsigned char magic[4] = {};
  const std::size_t got = src.read_fully(reinterpret_cast<char*>(magic), 4);
  if (got == 0) fail(ErrorCode::kInvalidData, src.name(), "the file is empty");
  DType t;
  t.big_endian = true;
  switch (magic[2]) {
    case 0x08:
      t = {'u', 1, true};
      break;
    case 0x09:
      t = {'i', 1, true};
      break;
    case 0x0B:
      t = {'i', 2, true};
      break;
    case 0x0C:
      t = {'i', 4, true};
      break;
    case 0x0D:
      t = {'f', 4, true};
      break;
    case 0x0E:
      t = {'f', 8, true};
      break;
    default:
      t.size = 0;
  }
  if (got < 4 || magic[0] != 0 || magic[1] != 0 || t.size == 0 || magic[3] == 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%02X%02X%02X%02X", magic[0], magic[1], magic[2], magic[3]);
    fail(ErrorCode::kInvalidData, src.name(),
         std::string("bad magic ") + hex +
             ": not an IDX file (expected "
             "0x000008XX..0x00000EXX, e.g. MNIST's 0x00000803)");
  }
  Array a;
  a.shape.resize(magic[3]);
  for (auto& dim : a.shape) {
    unsigned char b[4];
    if (src.read_fully(reinterpret_cast<char*>(b), 4) != 4)
      fail(ErrorCode::kInvalidData, src.name(), "truncated IDX header");
    dim = (static_cast<std::uint64_t>(b[0]) << 24) | (static_cast<std::uint64_t>(b[1]) << 16) |
          (static_cast<std::uint64_t>(b[2]) << 8) | b[3];
  }
  std::uint64_t count = 1;
  for (std::uint64_t s : a.shape) {
    if (__builtin_mul_overflow(count, s, &count)) {
      fail(ErrorCode::kInvalidData, src.name(), "shape " + shape_text(a.shape) + " is too large to address in memory");
    }
  }
  read_elements(src, a, count, t, 4 + 4 * a.shape.size(), limits, what);
  return a;
}

Dataset dataset_from_array(Array a, const std::string& file, Format format, const ReadOptions& opt) {
  Dataset d;
  d.path = file;
  d.format = format;
  if (format == Format::kNpy && a.shape.size() != 2) {
    fail(ErrorCode::kInvalidData, file,
         "the features must be a 2-D array [rows, features]; this one "
         "has shape " +
             shape_text(a.shape));
  }
  if (a.shape.empty() || a.shape[0] == 0) fail(ErrorCode::kInvalidData, file, "the array has no rows");
  const std::uint64_t rows = a.shape[0];
  const std::uint64_t cols = a.data.size() / rows;
  if (cols == 0)
    fail(ErrorCode::kInvalidData, file, "the array has no feature columns (shape " + shape_text(a.shape) + ")");
  for (std::size_t i = 0; i < a.data.size(); ++i) {
    if (std::isinf(a.data[i])) {
      fail(ErrorCode::kInvalidData, file,
           "row " + std::to_string(i / cols) + ", column " + std::to_string(i % cols) +
               " (0-based) is infinite: gfs needs finite values (NaN marks a missing one)");
    }
  }
  d.n_rows = static_cast<std::int64_t>(rows);
  d.n_cols = static_cast<std::int64_t>(cols);
  d.x = std::move(a.data);
  if (!opt.targets.empty()) {
    if (format != Format::kNpy) {
      fail(ErrorCode::kInvalidData, file,
           "IDX files hold no target column: give the labels file "
           "with --labels (e.g. train-labels-idx1-ubyte.gz)");
    }
    split_target_columns(d, opt.targets);
    for (std::size_t i = 0; i < d.y.size(); ++i)
      if (std::isnan(d.y[i]))
        fail(ErrorCode::kInvalidData, file,
             "row " + std::to_string(i / static_cast<std::size_t>(d.n_targets)) + ": target " +
                 opt.targets[i % static_cast<std::size_t>(d.n_targets)] +
                 " is missing (NaN): every row needs its target (drop the row; features may have missing values)");
  }
  return d;
}

}  // namespace gfs::io::detail
