// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/job.h"

namespace poollab {

std::string_view toString(JobKind kind)
{
    return kind == JobKind::Cpu ? "cpu" : "sleep";
}

std::string_view toString(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded:
        return "success";
    case Outcome::Failed:
        return "failure";
    case Outcome::Rejected:
        return "rejected";
    case Outcome::Dropped:
        return "dropped";
    case Outcome::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

bool parseJobKind(std::string_view text, JobKind& out)
{
    if (text == "sleep") {
        out = JobKind::Sleep;
        return true;
    }
    if (text == "cpu") {
        out = JobKind::Cpu;
        return true;
    }
    return false;
}

} // namespace poollab
