/* SPDX-License-Identifier: GPL-2.0 */
/* Service manager readiness notification (the sd_notify protocol). */
#ifndef SGWCTL_SDNOTIFY_H
#define SGWCTL_SDNOTIFY_H

int sd_notify_state(const char *state);

#endif
