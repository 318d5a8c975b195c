// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/worker_thread.h"

#include <algorithm>
#include <system_error>
#include <thread>

#if __has_include(<pthread.h>)
#include <climits>
#include <pthread.h>
#define POOLLAB_HAVE_PTHREAD 1
#endif

namespace poollab {

struct WorkerThread::State
{
    std::function<void()> body;
#ifdef POOLLAB_HAVE_PTHREAD
    pthread_t handle{};
#else
    std::thread thread;
#endif
};

#ifdef POOLLAB_HAVE_PTHREAD
namespace {
void* runBody(void* state)
{
    static_cast<std::function<void()>*>(state)->operator()();
    return nullptr;
}
} // namespace
#endif

WorkerThread::WorkerThread(std::function<void()> body, std::size_t stackBytes) : m_state(new State)
{
    m_state->body = std::move(body);
#ifdef POOLLAB_HAVE_PTHREAD
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::max<std::size_t>(stackBytes, PTHREAD_STACK_MIN));
    const int error = pthread_create(&m_state->handle, &attr, &runBody, &m_state->body);
    pthread_attr_destroy(&attr);
    if (error != 0) {
        m_state.reset();
        throw std::system_error(error, std::generic_category(), "cannot start a worker thread");
    }
#else
    (void)stackBytes;
    m_state->thread = std::thread(m_state->body);
#endif
}

WorkerThread::WorkerThread() noexcept = default;
WorkerThread::WorkerThread(WorkerThread&& other) noexcept = default;

WorkerThread& WorkerThread::operator=(WorkerThread&& other) noexcept
{
    if (this != &other) {
        join();
        m_state = std::move(other.m_state);
    }
    return *this;
}

WorkerThread::~WorkerThread()
{
    join();
}

void WorkerThread::join()
{
    if (!m_state)
        return;
#ifdef POOLLAB_HAVE_PTHREAD
    pthread_join(m_state->handle, nullptr);
#else
    m_state->thread.join();
#endif
    m_state.reset();
}

} // namespace poollab
