/// @file main.cpp
/// @brief `gfs`: the command-line tool for batch jobs. Parses the command line, runs a subcommand,
///        and maps every failure to a documented exit code (0 ok, 2 bad usage or input, 3 device
///        unavailable, 75 checkpointed on a signal: requeue, 1 anything else; a signal that is not
///        a checkpoint request ends the process as it would any program, 128 + N, after removing
///        the temporary files) with a one-line message on stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <new>

#include "cli/commands.hpp"
#include "cli/requeue.hpp"
#include "gfs/error.hpp"
#include "gfs/selector.hpp"
#include "io/atomic_file.hpp"

namespace {

int exit_code_of(gfs::ErrorCode code) {
  switch (code) {
    case gfs::ErrorCode::kInvalidArgument:
    case gfs::ErrorCode::kInvalidData:
    case gfs::ErrorCode::kIo:
      return 2;
    case gfs::ErrorCode::kDeviceUnavailable:
      return 3;
    case gfs::ErrorCode::kCheckpointed:
      return gfs::cli::kExitCheckpointed;
    default:
      return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gfs: differentiable feature selection with GFSNetwork (Gumbel-Sigmoid masks)", "gfs"};
  app.set_version_flag("--version", std::string("gfs ") + gfs::version());
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 ok, 2 bad usage or bad input, 3 requested device unavailable, 75 checkpointed on\n"
      "SIGTERM/SIGUSR1 (requeue), 128+N ended by signal N, 1 other errors.\n"
      "Run 'gfs <command> --help' for the options of a command.");
  gfs::cli::SelectArgs select_args;
  gfs::cli::TransformArgs transform_args;
  gfs::cli::DemoArgs demo_args;
  CLI::App* select =
      app.add_subcommand("select", "Fit GFSNetwork on a data set and write the selected features as JSON");
  CLI::App* transform = app.add_subcommand("transform", "Keep only the selected columns of a data set (CSV out)");
  CLI::App* demo = app.add_subcommand("demo", "Fit on built-in synthetic data with known informative features");
  gfs::cli::add_select(*select, select_args);
  gfs::cli::add_transform(*transform, transform_args);
  gfs::cli::add_demo(*demo, demo_args);

  // Ctrl-C, a batch system's SIGTERM or any other terminating signal leaves no temporary file: the
  // command's (result.json, transform's output) nor libgfs's (a checkpoint being written).
  gfs::io::remove_temp_files_on_signal(&gfs::remove_temporary_files);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // help and --version exit 0; every usage error exits 2
  }

  const char* name = select->parsed() ? "select" : transform->parsed() ? "transform" : "demo";
  // Under mpirun: an error on one rank ends every rank (MPI_Abort), never leaves them waiting.
  std::unique_ptr<gfs::mpi::Session> mpi;
  const auto fail = [&mpi](int code) {
    if (mpi && mpi->size() > 1) gfs::mpi::Session::abort(code);
    return code;
  };
  try {
    if (select->parsed()) {
      mpi = gfs::cli::mpi_session();
      return gfs::cli::run_select(select_args, mpi.get());
    }
    if (transform->parsed()) return gfs::cli::run_transform(transform_args);
    return gfs::cli::run_demo(demo_args);
  } catch (const gfs::Error& e) {
    const bool stopped = e.code() == gfs::ErrorCode::kCheckpointed;  // not an error: requeue and resume
    std::fprintf(stderr, "gfs %s: %s%s\n", name, stopped ? "" : "error: ", e.what());
    // Every rank stops after the same epoch, so a checkpointed stop ends them all normally.
    return stopped ? exit_code_of(e.code()) : fail(exit_code_of(e.code()));
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "gfs %s: error: out of memory\n", name);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gfs %s: error: %s\n", name, e.what());
  }
  return fail(1);
}
