// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/engine_factory.h"

#include "core/real_engine.h"
#include "core/virtual_engine.h"

namespace poollab {

std::unique_ptr<Engine> makeEngineFor(const Scenario& scenario)
{
    if (scenario.timeMode == TimeMode::Virtual)
        return makeVirtualEngine(scenario);
    return makeRealEngine(scenario);
}

} // namespace poollab
