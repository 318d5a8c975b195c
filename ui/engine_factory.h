// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/run_controller.h"

namespace poollab {

// Real threads or the simulation, as the scenario's time mode says.
std::unique_ptr<Engine> makeEngineFor(const Scenario& scenario);

} // namespace poollab
