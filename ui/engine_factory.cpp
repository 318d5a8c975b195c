// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/engine_factory.h"

#include "core/real_engine.h"
#include "core/virtual_engine.h"
#include "core/workload.h"

#include <stdexcept>

namespace poollab {

std::unique_ptr<Engine> makeEngineFor(const Scenario& scenario)
{
    // The window's controls are not the field table: refuse here what the engines
    // would otherwise clamp quietly (RunController::start shows the message).
    if (const std::string why = checkWorkload(scenario); !why.empty())
        throw std::invalid_argument(why);
    if (scenario.timeMode == TimeMode::Virtual)
        return makeVirtualEngine(scenario);
    return makeRealEngine(scenario);
}

} // namespace poollab
