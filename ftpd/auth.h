/*
 * auth.h - password checks off the event loop. users_verify() is
 * deliberately slow (PBKDF2, about 0.15 s), so it runs on
 * FTPD_AUTH_WORKERS threads fed through a mutex-protected queue; each
 * result comes back to the loop through a pipe and is handed to the job's
 * callback there. The session waits meanwhile; every other session goes
 * on.
 *
 * SECURITY: the password is copied into the job, wiped (OPENSSL_cleanse)
 * by the worker as soon as it was checked, and never logged.
 */
#ifndef FTPD_AUTH_H
#define FTPD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "users.h"

struct ftpd_auth;
struct ftpd_gen;

struct ftpd_auth_job {
	struct ftpd_auth_job *next;       /* queue                         */
	struct ftpd_gen *gen;             /* its users (a reference)       */
	char name[USERS_NAME_MAX + 1];
	size_t name_len;
	char *pw;                         /* owned; wiped by the worker    */
	size_t pw_len;
	const struct users_entry *result; /* set by the worker (or NULL)   */
	/* Called on the loop's thread; the callback owns nothing: the job
	 * is freed after it returns. NULL: the requester went away. */
	void (*done)(struct ftpd_auth_job *job, void *arg);
	void *arg;
};

/* Starts the workers. NULL with err set on failure. */
struct ftpd_auth *ftpd_auth_new(struct event_base *base, char *err,
				size_t errlen);

/* Stops the workers (after the job in hand), frees queued jobs. */
void ftpd_auth_free(struct ftpd_auth *a);

/*
 * Queues a check of name (name_len bytes, already checked by
 * users_name_ok or not: unknown names cost the same) with password pw
 * (copied). Returns the job (owned by the module; set job->done/arg
 * then; clear job->done to cancel) or NULL when the queue is full
 * (FTPD_AUTH_QUEUE_MAX) or memory is short. gen gets a reference.
 */
struct ftpd_auth_job *ftpd_auth_submit(struct ftpd_auth *a,
				       struct ftpd_gen *gen, const char *name,
				       size_t name_len, const char *pw,
				       size_t pw_len);

#endif /* FTPD_AUTH_H */
