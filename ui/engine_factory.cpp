// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/engine_factory.h"

#include "core/virtual_engine.h"
#include "ui/interim_engine.h"

namespace poollab {

std::unique_ptr<Engine> makeEngineFor(const Scenario& scenario)
{
    if (scenario.timeMode == TimeMode::Virtual)
        return makeVirtualEngine(scenario);
    return makeInterimEngine(scenario);
}

} // namespace poollab
