/*
 * main.c - ftpd's command line (see ftpd(8)):
 *
 *   ftpd [-c FILE] [-o key=value]...          serve (foreground)
 *   ftpd -t [-v] [-c FILE] [-o key=value]...  check the configuration
 *   ftpd --add-user NAME [--perms LIST] [--root DIR] [-c FILE] [-o ...]
 *   ftpd --make-cert FILE [-c FILE] [-o ...]   a self-signed certificate
 *   ftpd -V                                   version
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addusr.h"
#include "ftpd_config.h"
#include "ftpd_limits.h"
#include "server.h"
#include "tls_server.h"

#define MAIN_OVERRIDES_MAX 256

struct args {
	const char *conf;
	const char *overrides[MAIN_OVERRIDES_MAX];
	size_t n;
	bool test, verbose, version;
	const char *add_user, *perms, *root, *make_cert;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ftpd [-c FILE] [-o key=value]...\n"
		"       ftpd -t [-v] [-c FILE] [-o key=value]...\n"
		"       ftpd --add-user NAME [--perms LIST] [--root DIR] "
		"[-c FILE] [-o key=value]...\n"
		"       ftpd --make-cert FILE [-c FILE] [-o key=value]...\n"
		"       ftpd -V\n"
		"  -c FILE   configuration file (ftpd.conf(5))\n"
		"  -o K=V    set a key after the file (repeatable)\n"
		"  -t        check the configuration and exit (-v: print it)\n"
		"  --add-user NAME  add a virtual user to users_file; the "
		"password is read twice\n"
		"            from the terminal, or once from standard input\n"
		"  --perms LIST     read,list,write,delete,mkdir,rename,chmod "
		"or all (default read,list)\n"
		"  --root DIR       the user's root (default: local_root)\n"
		"  --make-cert FILE write a self-signed certificate and key "
		"for FTPS to FILE\n"
		"            (and the certificate alone to FILE.crt)\n"
		"  -V        print the version and exit\n");
}

/* 0, 1 after --help (exit 0), -1 on a bad option (exit 2). */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "add-user", required_argument, NULL, 'A' },
		{ "perms", required_argument, NULL, 'P' },
		{ "root", required_argument, NULL, 'R' },
		{ "make-cert", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:o:tvVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->conf = optarg; break;
		case 'o':
			if (a->n >= MAIN_OVERRIDES_MAX) {
				fprintf(stderr, "ftpd: more than %d -o options\n",
					MAIN_OVERRIDES_MAX);
				return -1;
			}
			a->overrides[a->n++] = optarg;
			break;
		case 't': a->test = true; break;
		case 'v': a->verbose = true; break;
		case 'V': a->version = true; break;
		case 'A': a->add_user = optarg; break;
		case 'P': a->perms = optarg; break;
		case 'R': a->root = optarg; break;
		case 'M': a->make_cert = optarg; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ftpd: unexpected argument '%s'; options only "
			"(see ftpd -h)\n", argv[optind]);
		return -1;
	}
	return 0;
}

/*
 * background = yes: the parent waits until the child reports that it
 * serves (or why it could not), so start-up errors still reach the
 * terminal, and exits with that result. Returns in the child only.
 */
static int detach(int *ready_fd)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) != 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		/* _exit: the child owns everything now (no atexit handlers,
		 * no stdio flushed twice, no leak report of what it uses). */
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
	return 0;
}

static void write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
		fprintf(stderr, "ftpd: warning: cannot write pid_file %s: %s\n",
			path, strerror(errno));
}

/* The child serves now: tell the parent, leave the terminal. */
static void detached(int ready_fd, int devnull)
{
	if (write(ready_fd, "", 1) != 1)
		return;
	close(ready_fd);
	dup2(devnull, STDIN_FILENO);
	dup2(devnull, STDOUT_FILENO);
	dup2(devnull, STDERR_FILENO);
	close(devnull);
}

static int serve(struct args *a, struct ftpd_config *c)
{
	struct ftpd_server srv;
	struct ftpd_paths paths = { (char *)a->conf, a->overrides, a->n };
	int ready_fd = -1, devnull = -1, rc;
	bool bg = c->background, chrooted;
	char *pid_file = bg ? strdup(c->pid_file) : NULL;

	if (bg) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull < 0 || !pid_file || detach(&ready_fd) != 0) {
			fprintf(stderr, "ftpd: cannot go to the background: "
				"%s\n", strerror(errno));
			return 1;
		}
		write_pid_file(pid_file);
	}
	if (ftpd_server_start(&srv, c, &paths) != 0) {
		ftpd_server_free(&srv);
		free(pid_file);
		return 1;
	}
	if (bg)
		detached(ready_fd, devnull);
	rc = ftpd_server_run(&srv);
	chrooted = srv.chrooted;
	ftpd_server_free(&srv);
	/* After a chroot the pid file is out of reach (and not ours). */
	if (bg && !chrooted)
		unlink(pid_file);
	free(pid_file);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a;
	struct ftpd_config c;
	char err[1024];
	int rc;

	memset(&a, 0, sizeof(a));
	rc = parse_args(argc, argv, &a);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (a.version) {
		printf("ftpd (synfin) %s\n", VERSION);
		return 0;
	}
	umask(FTPD_UMASK);
	if (ftpd_config_init(&c, err, sizeof(err)) != 0 ||
	    ftpd_config_load(&c, a.conf, a.overrides, a.n, err,
			     sizeof(err)) != 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		ftpd_config_free(&c);
		return 1;
	}
	if (a.make_cert) {
		rc = ftpd_make_cert(&c, a.make_cert, err, sizeof(err));
		fprintf(rc == 0 ? stdout : stderr, "ftpd: %s\n", err);
		rc = rc == 0 ? 0 : 1;
	} else if (a.test) {
		if (a.verbose)
			ftpd_config_dump(&c, stdout, true);
		printf("ftpd: configuration %s is valid\n",
		       a.conf ? a.conf : "(defaults)");
		rc = 0;
	} else if (a.add_user) {
		rc = ftpd_add_user(&c, a.add_user, a.perms, a.root);
	} else {
		rc = serve(&a, &c);
	}
	ftpd_config_free(&c);
	return rc;
}
