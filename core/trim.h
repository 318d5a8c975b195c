// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace poollab {

// The text without the spaces and tabs around it (the scenario and experiment parsers'
// notion of blank).
inline std::string_view trimBlanks(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace poollab
