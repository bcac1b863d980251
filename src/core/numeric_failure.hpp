/// @file numeric_failure.hpp
/// @brief The one error a fit ends with when its numbers stop being finite, with the advice that
///        goes with it (the epoch check in the trainer, the Result check in the Selector).
#pragma once

#include <string>

#include "gfs/error.hpp"

namespace gfs::detail {

/// "the fit failed numerically: <what>. <what to change>" (ErrorCode::kInvalidData).
[[noreturn]] inline void fail_numerically(const std::string& what) {
  throw Error(ErrorCode::kInvalidData,
              "the fit failed numerically: " + what +
                  ". Lower lr_task and lr_mask, use a tau_decay closer to 1, keep standardize (and, for "
                  "regression, standardize_targets) on, or rescale values near the float32 limit (3.4e38)");
}

}  // namespace gfs::detail
