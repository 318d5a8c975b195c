// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

namespace poollab {

// One input through every parser of user text: the scenario file reader, the lesson
// and answers file readers, the duration, latency-spec and backoff parsers, the command line's --rate and
// every field's text parser. Besides not crashing, each parser must keep its own promises (what loads saves
// and loads back the same, a parsed duration formats back to itself, a message stays short); a broken promise
// traps, so libFuzzer and the regression replay both report it. Always returns 0 (libFuzzer's convention).
int fuzzOneInput(const std::uint8_t* data, std::size_t size);

} // namespace poollab
