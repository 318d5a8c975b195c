// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admission.h"

namespace poollab {

bool hasRoom(const AdmissionView& view)
{
    if (needsReadyWorker(view.capacity, view.overflow))
        return view.readyWorkers > 0 && static_cast<std::uint64_t>(view.readyWorkers) > view.queued;
    return view.queued < queueBound(view.capacity);
}

Admission whenFull(const AdmissionView& view)
{
    switch (view.overflow) {
    case OverflowPolicy::Block:
        return Admission::Wait;
    case OverflowPolicy::DropOldest:
        return view.capacity > 0 && view.queued > 0 ? Admission::DropOldest : Admission::Reject;
    case OverflowPolicy::Reject:
        break;
    }
    return Admission::Reject;
}

Admission admit(const AdmissionView& view)
{
    if (view.closed)
        return Admission::Refuse;
    return hasRoom(view) ? Admission::Enqueue : whenFull(view);
}

} // namespace poollab
