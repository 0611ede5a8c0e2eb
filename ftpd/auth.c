/*
 * auth.c - password-check workers (see auth.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "ftpd_limits.h"
#include "server.h"

/* Results read from the pipe per event (each is one pointer). */
#define AUTH_RESULTS_PER_EVENT 64

struct ftpd_auth {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct ftpd_auth_job *head, *tail;
	size_t queued;                    /* queued + in the workers' hands */
	bool stop;
	pthread_t th[FTPD_AUTH_WORKERS];
	unsigned nth;
	int pipe_rd, pipe_wr;
	struct event *ev;
};

static void job_free(struct ftpd_auth_job *j)
{
	if (j->pw) {
		OPENSSL_cleanse(j->pw, j->pw_len);
		free(j->pw);
	}
	ftpd_gen_put(j->gen);
	free(j);
}

static struct ftpd_auth_job *take(struct ftpd_auth *a)
{
	struct ftpd_auth_job *j;

	pthread_mutex_lock(&a->mu);
	while (!a->head && !a->stop)
		pthread_cond_wait(&a->cond, &a->mu);
	j = a->stop ? NULL : a->head;
	if (j) {
		a->head = j->next;
		if (!a->head)
			a->tail = NULL;
	}
	pthread_mutex_unlock(&a->mu);
	return j;
}

static void *worker(void *arg)
{
	struct ftpd_auth *a = arg;
	struct ftpd_auth_job *j;

	while ((j = take(a)) != NULL) {
		/* Only the job's own fields and its generation's users are
		 * read here; the loop does not touch them meanwhile. */
		j->result = users_verify(&j->gen->users, j->name, j->name_len,
					 j->pw, j->pw_len);
		OPENSSL_cleanse(j->pw, j->pw_len);
		/* A pipe write of one pointer is atomic; if it failed the
		 * loop could never free the job: nothing better to do than
		 * leave it (the session times out). */
		if (write(a->pipe_wr, &j, sizeof(j)) != (ssize_t)sizeof(j))
			continue;
	}
	return NULL;
}

static void results_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ftpd_auth *a = arg;
	struct ftpd_auth_job *j;
	unsigned i;

	(void)what;
	for (i = 0; i < AUTH_RESULTS_PER_EVENT; i++) {
		if (read(fd, &j, sizeof(j)) != (ssize_t)sizeof(j))
			break;
		pthread_mutex_lock(&a->mu);
		a->queued--;
		pthread_mutex_unlock(&a->mu);
		if (j->done)
			j->done(j, j->arg);
		job_free(j);
	}
}

static int start(struct ftpd_auth *a, struct event_base *base)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -errno;
	a->pipe_rd = p[0];
	a->pipe_wr = p[1];
	/* The workers block on the queue, never on the pipe: it holds far
	 * more pointers than FTPD_AUTH_QUEUE_MAX. */
	a->ev = event_new(base, a->pipe_rd, EV_READ | EV_PERSIST, results_cb, a);
	if (!a->ev || event_add(a->ev, NULL) != 0)
		return -ENOMEM;
	for (a->nth = 0; a->nth < FTPD_AUTH_WORKERS; a->nth++) {
		int rc = pthread_create(&a->th[a->nth], NULL, worker, a);

		if (rc != 0)
			return -rc;
	}
	return 0;
}

struct ftpd_auth *ftpd_auth_new(struct event_base *base, char *err,
				size_t errlen)
{
	struct ftpd_auth *a = calloc(1, sizeof(*a));
	int rc;

	if (!a) {
		snprintf(err, errlen, "password workers: out of memory");
		return NULL;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->pipe_rd = a->pipe_wr = -1;
	rc = start(a, base);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the password-check "
			 "threads: %s", strerror(-rc));
		ftpd_auth_free(a);
		return NULL;
	}
	return a;
}

void ftpd_auth_free(struct ftpd_auth *a)
{
	struct ftpd_auth_job *j;
	unsigned i;

	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->mu);
	for (i = 0; i < a->nth; i++)
		pthread_join(a->th[i], NULL);
	while ((j = a->head) != NULL) {
		a->head = j->next;
		job_free(j);
	}
	/* Results the workers finished but the loop did not collect. */
	if (a->pipe_rd >= 0)
		while (read(a->pipe_rd, &j, sizeof(j)) == (ssize_t)sizeof(j))
			job_free(j);
	if (a->ev)
		event_free(a->ev);
	if (a->pipe_rd >= 0)
		close(a->pipe_rd);
	if (a->pipe_wr >= 0)
		close(a->pipe_wr);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

struct ftpd_auth_job *ftpd_auth_submit(struct ftpd_auth *a,
				       struct ftpd_gen *gen, const char *name,
				       size_t name_len, const char *pw,
				       size_t pw_len)
{
	struct ftpd_auth_job *j;

	/* An overlong name is unknown: checked as "", with the same work. */
	if (name_len > USERS_NAME_MAX)
		name_len = 0;
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->pw = malloc(pw_len + 1);
	if (!j->pw) {
		free(j);
		return NULL;
	}
	memcpy(j->pw, pw, pw_len);
	j->pw[pw_len] = '\0';
	j->pw_len = pw_len;
	memcpy(j->name, name, name_len);
	j->name_len = name_len;
	j->gen = ftpd_gen_get(gen);
	pthread_mutex_lock(&a->mu);
	if (a->queued >= FTPD_AUTH_QUEUE_MAX) {
		pthread_mutex_unlock(&a->mu);
		job_free(j);
		return NULL;
	}
	a->queued++;
	if (a->tail)
		a->tail->next = j;
	else
		a->head = j;
	a->tail = j;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->mu);
	return j;
}
