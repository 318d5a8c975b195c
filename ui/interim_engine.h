// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/engine.h"

#include <memory>

namespace poollab {

// Stand-in until core/real_engine.h lands: a Pool fed by one producer thread (a burst,
// or a constant rate for any other arrival kind). Live changes cover workers, queue
// capacity, overflow policy and the service time.
std::unique_ptr<Engine> makeInterimEngine(const Scenario& scenario);

} // namespace poollab
