/// @file test_hardening.cpp
/// @brief The readers and the output file against hostile input (issue 13): labels and text kept
///        exactly, bounded lines and allocations, pipes sniffed without losing bytes, outputs that
///        never replace what is not theirs to replace.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <zlib.h>

#include <thread>

#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/dataset.hpp"
#include "io/io_util.hpp"
#include "io/readers.hpp"
#include "io_test_util.hpp"

namespace gfs::io::test {
namespace {

std::string slurp(const std::string& path) {
  std::string out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[4096];
  std::size_t k = 0;
  while ((k = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, k);
  std::fclose(f);
  return out;
}

std::string gzip(const std::string& raw) {
  uLongf n = compressBound(static_cast<uLong>(raw.size())) + 64;
  std::string out(n, '\0');
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Defect 2: class ids that float32 cannot tell apart keep their text.
TEST(LabelText, CsvLibsvmAndLabelFilesKeepTheTargetAsWritten) {
  TempDir dir;
  ReadOptions opt;
  opt.targets = {"label"};
  const Dataset c = read_dataset(dir.write("a.csv", "a,label\n1,100000001\n2, 100000002\n3,\"100000005\"\n"), opt);
  ASSERT_EQ(c.target_text.size(), 3U);
  EXPECT_EQ(c.target_text[0], "100000001");
  EXPECT_EQ(c.target_text[1], "100000002");
  EXPECT_EQ(c.target_text[2], "100000005");
  const Dataset l = read_dataset(dir.write("a.libsvm", "100000001 1:1\n100000002 2:1\n"));
  ASSERT_EQ(l.target_text.size(), 2U);
  EXPECT_EQ(l.target_text[1], "100000002");
  ReadOptions lab;
  lab.labels_path = dir.write("y.txt", "label\n9007199254740993\n-4\n");
  const Dataset t = read_dataset(dir.write("x.csv", "a\n1\n2\n"), lab);
  ASSERT_EQ(t.target_text.size(), 2U);
  EXPECT_EQ(t.target_text[0], "9007199254740993");
  std::string ints = bytes_of<std::int64_t>(100000001) + bytes_of<std::int64_t>(100000002);
  lab.labels_path = dir.write("y.npy", npy_file("<i8", "(2,)", ints));
  const Dataset n = read_dataset(dir.path("x.csv"), lab);
  ASSERT_EQ(n.target_text.size(), 2U);
  EXPECT_EQ(n.target_text[1], "100000002");
}

// Defect 3: a CSV copy keeps every kept cell's text, the target carried through by name.
TEST(CsvCopy, KeptColumnsAreCopiedAsText) {
  TempDir dir;
  const std::string in = "t,v,label,w\n1700000000,123456.789,100000001,1\n1700000037,\"2.50\",100000002,2\n";
  auto src = open_memory(in.data(), in.size(), "in.csv");
  CsvColumns spec;
  spec.n_features = 3;
  spec.selected = {0, 1};
  spec.feature_names = {"t", "v", "w"};
  spec.fitted_targets = {"label"};
  AtomicFile out(dir.path("out.csv"));
  const CsvCopied done = copy_csv_columns(*src, out, spec);
  out.commit();
  EXPECT_EQ(done.rows, 2);
  EXPECT_EQ(done.targets, std::vector<std::string>{"label"});
  EXPECT_EQ(slurp(dir.path("out.csv")), "t,v,label\n1700000000,123456.789,100000001\n1700000037,\"2.50\",100000002\n");
}

TEST(CsvCopy, WrongFilesAreNamed) {
  TempDir dir;
  CsvColumns spec;
  spec.n_features = 2;
  spec.selected = {1};
  spec.feature_names = {"a", "zz"};
  const std::string in = "a,b\n1,2\n";
  auto src = open_memory(in.data(), in.size(), "in.csv");
  AtomicFile out(dir.path("o.csv"));
  expect_error([&] { copy_csv_columns(*src, out, spec); }, ErrorCode::kInvalidData, {"in.csv", "'zz'", "'b'"});
  const std::string ragged = "a,zz\n1,2\n3\n";
  auto src2 = open_memory(ragged.data(), ragged.size(), "r.csv");
  expect_error([&] { copy_csv_columns(*src2, out, spec); }, ErrorCode::kInvalidData, {"r.csv", "line 3"});
}

// Defect 5: an unbounded line is refused, not grown until memory runs out.
TEST(Bounds, LinesLongerThanTheLimitAreRefused) {
  const std::string in = "a," + std::string(5000, '1') + "\n1,2\n";
  ReadOptions opt;
  opt.max_line = 1024;
  auto src = open_memory(in.data(), in.size(), "long.csv");
  expect_error([&] { detail::read_csv(*src, opt); }, ErrorCode::kInvalidData, {"long.csv", "line 1", "longer than"});
  const std::string zipped = gzip(std::string(1 << 20, 'x'));  // 1 MiB, no line break, ~1 KiB gzipped
  auto gz = open_memory(zipped.data(), zipped.size(), "z.csv.gz");
  expect_error([&] { detail::read_csv(*gz, opt); }, ErrorCode::kInvalidData, {"longer than"});
}

// Defect 5: a tiny file that declares a huge table is refused before it is allocated.
TEST(Bounds, DeclaredSizesCountTheFitsMemory) {
  const std::string in = "0 1:1 16777216:1\n1 2:1\n";
  ReadOptions opt;
  opt.max_bytes = std::uint64_t{4} << 30;
  opt.fit_bytes = [](std::uint64_t, std::uint64_t cols) { return cols * 1300; };
  auto src = open_memory(in.data(), in.size(), "wide.libsvm");
  expect_error([&] { detail::read_libsvm(*src, opt); }, ErrorCode::kInvalidData,
               {"wide.libsvm", "16777216", "needs an estimated", "4.0 GiB"});
  // A gzip whose .npy header promises 1.2e9 values from a few KiB of data.
  const std::string lying = gzip(npy_file("|u1", "(1200000, 1000)", std::string(4096, '\0')));
  auto gz = open_memory(lying.data(), lying.size(), "lie.npy.gz");
  expect_error([&] { detail::read_npy_array(*gz, {}, "the features"); }, ErrorCode::kInvalidData,
               {"lie.npy.gz", "truncated"});
}

// Defect 9: float64 values past float32 are named as such, not as "NaN or infinite".
TEST(Messages, Float64BeyondFloat32IsNamed) {
  const std::string data = bytes_of(1.0) + bytes_of(1e300) + bytes_of(2.0) + bytes_of(3.0);
  const std::string f = npy_file("<f8", "(2, 2)", data);
  auto src = open_memory(f.data(), f.size(), "big.npy");
  expect_error([&] { detail::read_npy_array(*src, {}, "the features"); }, ErrorCode::kInvalidData,
               {"big.npy", "row 0, column 1", "1e+300", "float32 range"});
}

// Defect 9: CR-only line endings are named instead of "no column named 'label'".
TEST(Messages, CrOnlyLineEndingsAreNamed) {
  const std::string in = "a,b,label\r1,2,0\r3,4,1\r";
  ReadOptions opt;
  opt.targets = {"label"};
  auto src = open_memory(in.data(), in.size(), "mac.csv");
  expect_error([&] { detail::read_csv(*src, opt); }, ErrorCode::kInvalidData, {"mac.csv", "CR-only"});
}

TEST(Messages, ControlBytesInCellsAreShownEscaped) {
  EXPECT_EQ(detail::quote_cell(std::string("a\0b\r", 4)), "'a\\x00b\\x0D'");
  EXPECT_TRUE(detail::is_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(detail::is_utf8("caf\xE9"));
  EXPECT_FALSE(detail::is_utf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(detail::is_utf8("\xED\xA0\x80"));  // a surrogate
  EXPECT_FALSE(detail::is_utf8("\xF4\x90\x80\x80"));
}

// Defect 9: sniffing a pipe's format read its first 8 bytes and then lost them.
TEST(Pipes, SniffingAPipeKeepsItsFirstBytes) {
  TempDir dir;
  const std::string fifo = dir.path("x.pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string data;
  for (int i = 0; i < 6; ++i) data += bytes_of(static_cast<float>(i));
  const std::string file = npy_file("<f4", "(3, 2)", data);
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    std::size_t done = 0;
    while (done < file.size()) {
      const ssize_t k = ::write(fd, file.data() + done, file.size() - done);
      if (k <= 0) break;
      done += static_cast<std::size_t>(k);
    }
    ::close(fd);
  });
  Dataset d;
  try {
    d = read_dataset(fifo);
  } catch (const Error& e) {
    ADD_FAILURE() << e.what();
  }
  writer.join();
  EXPECT_EQ(d.n_rows, 3);
  EXPECT_EQ(d.x, (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

// Defect 4: outputs never replace what is not a regular file, nor an input.
TEST(Outputs, OutputThatIsAnInputIsRefused) {
  TempDir dir;
  const std::string in = dir.write("data.csv", "a,b\n1,2\n");
  ASSERT_EQ(::symlink(in.c_str(), dir.path("alias.csv").c_str()), 0);
  ASSERT_EQ(::link(in.c_str(), dir.path("hard.csv").c_str()), 0);
  for (const char* name : {"data.csv", "alias.csv", "hard.csv"}) {
    expect_error([&] { AtomicFile f(dir.path(name), {in}); }, ErrorCode::kInvalidArgument, {"is the input file"});
  }
  EXPECT_EQ(slurp(in), "a,b\n1,2\n");
}

TEST(Outputs, DirectoriesAreRefusedBeforeAnyWork) {
  TempDir dir;
  expect_error([&] { AtomicFile f(dir.dir()); }, ErrorCode::kIo, {dir.dir(), "is a directory"});
}

TEST(Outputs, DevicesAndFifosAreWrittenNotReplaced) {
  TempDir dir;
  // A twin of /dev/null in the scratch directory: were the output ever replaced again, the twin
  // would be, not the system's /dev/null. Creating it needs CAP_MKNOD; without it, skip that part.
  const std::string twin = dir.path("null");
  if (::mknod(twin.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    write_file_atomic(twin, "nothing\n");
    struct stat st {};
    ASSERT_EQ(::stat(twin.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
  }
  const std::string fifo = dir.path("out.pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = slurp(fifo); });
  write_file_atomic(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(got, "through the pipe\n");
  struct stat st {};
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST(Outputs, RewritesKeepTheModeAndTheSymlink) {
  TempDir dir;
  const std::string p = dir.write("r.json", "old\n");
  ASSERT_EQ(::chmod(p.c_str(), 0600), 0);
  write_file_atomic(p, "new\n");
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_EQ(slurp(p), "new\n");
  const std::string link = dir.path("latest.json");
  ASSERT_EQ(::symlink(p.c_str(), link.c_str()), 0);
  write_file_atomic(link, "newer\n");
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(slurp(p), "newer\n");
}

}  // namespace
}  // namespace gfs::io::test

namespace gfs::io::test {
namespace {

// Defect 3: an .npy input keeps its dtype: float64 and int64 values are written exactly.
TEST(NpyCopy, ValuesKeepTheirDtype) {
  TempDir dir;
  std::string f8;
  for (double v : {1700000000.123456789, 0.1, 1.0, 1700000037.5, 123456.789, 0.0}) f8 += bytes_of(v);
  const std::string file = npy_file("<f8", "(2, 3)", f8);
  auto src = open_memory(file.data(), file.size(), "x.npy");
  NpyColumns spec;
  spec.n_features = 2;
  spec.selected = {0, 1};
  spec.targets = {"-1"};
  AtomicFile out(dir.path("o.csv"));
  EXPECT_EQ(copy_npy_columns(*src, out, spec).rows, 2);
  out.commit();
  EXPECT_EQ(slurp(dir.path("o.csv")), "x0,x1,y0\n1700000000.1234567,0.1,1\n1700000037.5,123456.789,0\n");

  const std::string i8 =
      npy_file("<i8", "(2, 1)", bytes_of<std::int64_t>(9007199254740993) + bytes_of<std::int64_t>(-3));
  detail::Labels labels;
  labels.n_rows = 2;
  labels.n_targets = 1;
  labels.y = {0, 1};
  labels.text.push("100000001");
  labels.text.push("100000002");
  labels.names = {"label"};
  NpyColumns with_labels;
  with_labels.n_features = 1;
  with_labels.selected = {0};
  with_labels.labels = &labels;
  auto src2 = open_memory(i8.data(), i8.size(), "i.npy");
  AtomicFile out2(dir.path("i.csv"));
  copy_npy_columns(*src2, out2, with_labels);
  out2.commit();
  EXPECT_EQ(slurp(dir.path("i.csv")), "x0,label\n9007199254740993,100000001\n-3,100000002\n");
}

TEST(NpyCopy, WrongShapesAreNamed) {
  TempDir dir;
  const std::string file = npy_file("<f4", "(2, 2)", bytes_of(1.0F) + bytes_of(2.0F) + bytes_of(3.0F));
  auto src = open_memory(file.data(), file.size(), "short.npy");
  NpyColumns spec;
  spec.n_features = 2;
  spec.selected = {1};
  AtomicFile out(dir.path("o.csv"));
  expect_error([&] { copy_npy_columns(*src, out, spec); }, ErrorCode::kInvalidData, {"short.npy", "truncated"});
  const std::string ok = npy_file("<f4", "(1, 2)", bytes_of(1.0F) + bytes_of(2.0F));
  auto src2 = open_memory(ok.data(), ok.size(), "wide.npy");
  spec.n_features = 3;
  expect_error([&] { copy_npy_columns(*src2, out, spec); }, ErrorCode::kInvalidData, {"wide.npy", "fitted on 3"});
}

/// The names in `dir` holding ".tmp", one a line.
std::string temporaries_in(const std::string& dir) {
  std::string found;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.find(".tmp") != std::string::npos) found += name + "\n";
    }
    ::closedir(d);
  }
  return found;
}

// Issue 22 (9): the temporary file existed from the moment the output was checked (before the
// fit), so a SIGKILL during the fit left it; it is now made when the bytes come, and the directory
// is checked up front instead.
TEST(Outputs, NoTemporaryFileBeforeTheBytesCome) {
  TempDir dir;
  {
    AtomicFile out(dir.path("r.json"));
    EXPECT_EQ(temporaries_in(dir.dir()), "");
    out.write(std::string(3U << 20, 'x'));  // more than the buffer: now there is one
    EXPECT_NE(temporaries_in(dir.dir()).find(".r.json.tmp-"), std::string::npos);
    out.commit();
  }
  EXPECT_EQ(temporaries_in(dir.dir()), "");
  EXPECT_EQ(slurp(dir.path("r.json")).size(), std::size_t{3} << 20);
  { AtomicFile abandoned(dir.path("a.json")); }
  EXPECT_NE(::access(dir.path("a.json").c_str(), F_OK), 0);
  const std::string missing = dir.path("no/such/dir/r.json");
  expect_error([&] { AtomicFile f(missing); }, ErrorCode::kIo, {missing, "cannot create the output", "No such file"});
  dir.write("plain", "x");
  expect_error([&] { AtomicFile f(dir.path("plain/r.json")); }, ErrorCode::kIo, {"plain/r.json"});
}

// A dangling symlink: its target is created (atomically, beside the target), the link kept.
TEST(Outputs, DanglingSymlinkGetsItsTarget) {
  TempDir dir;
  ASSERT_EQ(::mkdir(dir.path("store").c_str(), 0700), 0);
  ASSERT_EQ(::symlink("store/real.json", dir.path("r.json").c_str()), 0);
  write_file_atomic(dir.path("r.json"), "{}\n");
  struct stat st {};
  ASSERT_EQ(::lstat(dir.path("r.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(slurp(dir.path("store/real.json")), "{}\n");
  EXPECT_EQ(temporaries_in(dir.path("store")), "");
}

}  // namespace
}  // namespace gfs::io::test
