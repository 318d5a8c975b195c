// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <optional>
#include <string>
#include <string_view>

namespace poollab {

// Parses "500ms", "1.5s", "250us", "0ms", "2m" (minutes), "1h". A unit is required
// except for a bare 0. Returns nothing for anything else: negative, NaN, infinite or
// beyond about 292 years (9.2e18 ns, the limit of a Nanos).
std::optional<Nanos> parseDuration(std::string_view text);

// The shortest exact spelling that parseDuration reads back: "500ms", "1.5s", "250us".
// Any value formats without overflow, INT64 limits included; a negative one gets a
// leading '-' (which parseDuration refuses).
std::string formatDuration(Nanos ns);

} // namespace poollab
