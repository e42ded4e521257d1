/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IKE daemon: applies sgw.conf to the kernel tunnels, runs the IKE
 * engine from one poll loop (UDP 500 sockets, the control socket, netlink
 * events, timers, signals) and answers the control socket (ctl.h).
 */
#ifndef SGWCTL_DAEMON_H
#define SGWCTL_DAEMON_H

/* Runs in the foreground until SIGTERM or SIGINT; returns an exit status. */
int daemon_run(const char *conf_path);

#endif
