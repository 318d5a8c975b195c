// SPDX-License-Identifier: GPL-3.0-or-later
// The libFuzzer target (the fuzz preset); fuzz/README.md says how to run it.
#include "fuzz/fuzz_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    return poollab::fuzzOneInput(data, size);
}
