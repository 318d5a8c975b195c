// SPDX-License-Identifier: GPL-3.0-or-later
// The window's widgets arrive with the desktop-app work; until then the library is empty.
