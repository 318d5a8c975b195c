// SPDX-License-Identifier: GPL-3.0-or-later
// Keeps the resource library non-empty before any resource exists.
