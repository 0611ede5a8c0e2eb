/*
 * ftpd_config.h - the daemon's configuration (ftpd.conf) as one typed
 * struct, its key table for the cfg engine, and the checks that involve
 * several keys. Every key is documented in ftpd.conf(5); keys that mean
 * what they mean in vsftpd carry vsftpd's names.
 *
 * (Named ftpd_config.h, not config.h, so it never shadows autoconf's
 * config.h that every .c file includes first.)
 *
 * Typical start-up:
 *
 *   struct ftpd_config c;
 *   ftpd_config_init(&c, err, len);                       defaults
 *   ftpd_config_load(&c, "ftpd.conf", argv_o, n_o, err, len);
 *                                     file, then -o overrides, then checks
 *   ... use c ...
 *   ftpd_config_free(&c);
 */
#ifndef FTPD_CONFIG_H
#define FTPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cfg.h"

enum ftpd_trace_mode {        /* trace = off|states|segments|all       */
	FTPD_TRACE_OFF = 0,
	FTPD_TRACE_STATES,
	FTPD_TRACE_SEGMENTS,
	FTPD_TRACE_ALL,
};

enum ftpd_tls_min {           /* ssl_min_version = 1.2|1.3             */
	FTPD_TLS_1_2 = 0,
	FTPD_TLS_1_3,
};

enum ftpd_alpn_mode {         /* ssl_alpn = no|yes|required            */
	FTPD_ALPN_NO = 0,     /* "ftp" selected when offered, else none  */
	FTPD_ALPN_YES,        /* a client offering ALPN must offer "ftp" */
	FTPD_ALPN_REQUIRED,   /* every client must offer "ftp"           */
};

/*
 * Every string is owned by the struct (freed by ftpd_config_free); ""
 * means "not set" for paths and addresses. Durations are milliseconds,
 * sizes and rates bytes (rates per second, 0 = unlimited).
 */
struct ftpd_config {
	/* synfin's stack */
	char *link;                    /* hub | hub:DIR | packet:IF | tap: | tun: */
	struct cfg_cidr address;
	uint32_t gateway;              /* 0: none                          */
	struct cfg_mac mac;
	struct cfg_list arp;           /* static ARP entries "IP MAC"       */
	int64_t mtu;                   /* 0: the link's own                */
	char *impair;                  /* "" or a ts_impair_parse spec     */
	uint32_t listen_address;       /* 0: the stack's address           */
	int64_t listen_port;
	int64_t msl_ms;
	bool quiet_time, reuse_addr;
	int trace;                     /* enum ftpd_trace_mode             */
	char *pcap, *state_dir;

	/* who may log in, and where */
	bool anonymous_enable, local_enable;
	char *anon_root, *local_root, *users_file;
	struct cfg_list host;          /* "NAME:ROOT" (RFC 7151 HOST)      */
	bool write_enable, anon_upload_enable, anon_mkdir_write_enable,
	     anon_other_write_enable, download_enable, dirlist_enable,
	     chroot_local_user, hide_ids, use_localtime,
	     ascii_upload_enable, ascii_download_enable;

	/* data connections */
	bool pasv_enable, port_enable, pasv_promiscuous, port_promiscuous,
	     connect_from_port_20;
	int64_t pasv_min_port, pasv_max_port;
	uint32_t pasv_address;         /* 0: the stack's address           */

	/* limits */
	int64_t max_clients, max_per_ip, max_login_fails, max_line,
		max_list_entries, max_glob_matches;
	int64_t idle_session_timeout_ms, data_connection_timeout_ms,
		accept_timeout_ms, connect_timeout_ms, login_timeout_ms;
	int64_t anon_max_rate, local_max_rate;

	/* messages and logs */
	char *ftpd_banner, *banner_file;
	char *log_file;                /* "": stderr (unless syslog)       */
	int log_level;                 /* enum log_level                   */
	bool syslog_enable, xferlog_enable, xferlog_std_format;
	char *xferlog_file;

	/* process */
	bool background;
	char *pid_file, *nopriv_user, *secure_chroot_dir;

	/* FTPS (RFC 4217) */
	bool ssl_enable, force_local_logins_ssl, force_local_data_ssl,
	     allow_anon_ssl, require_ssl_reuse, ssl_sni_check, allow_ccc;
	int ssl_alpn;                  /* enum ftpd_alpn_mode              */
	char *rsa_cert_file, *rsa_private_key_file, *ssl_ciphers;
	int ssl_min_version;           /* enum ftpd_tls_min                */
};

/* The key table (static). */
const struct cfg_table *ftpd_config_table(void);

/* Zeroes c and sets every default. 0, or -errno with err set. */
int ftpd_config_init(struct ftpd_config *c, char *err, size_t errlen);

/*
 * Reads path (NULL: no file), applies the n overrides ("key=value", from
 * -o, borrowed) in order, then runs ftpd_config_check. 0, or -errno with
 * "file:line: message", "command line: message" or "file: message" in
 * err. c must have been through ftpd_config_init.
 */
int ftpd_config_load(struct ftpd_config *c, const char *path,
		     const char *const *overrides, size_t n, char *err,
		     size_t errlen);

/* Rules between keys (port range order, a root for each enabled kind of
 * login, a certificate for TLS, gateway on the subnet, ...). 0 or -EINVAL
 * with "where: message" in err. */
int ftpd_config_check(const struct ftpd_config *c, const char *where,
		      char *err, size_t errlen);

/* Prints the effective configuration (ftpd -t -v). */
void ftpd_config_dump(const struct ftpd_config *c, FILE *out, bool verbose);

void ftpd_config_free(struct ftpd_config *c);

/* Permissions (enum ftpd_perm bits, users.h) of anonymous sessions:
 * read/list per download_enable/dirlist_enable; writes only with
 * write_enable and the matching anon_*_enable key. */
unsigned ftpd_config_anon_perms(const struct ftpd_config *c);

/* A virtual user's perms as limited by write_enable, download_enable and
 * dirlist_enable. */
unsigned ftpd_config_mask_perms(const struct ftpd_config *c, unsigned perms);

/* The anonymous root for an RFC 7151 HOST name (len bytes, any case), or
 * NULL when no `host` line names it. Borrowed from c. */
const char *ftpd_config_host_root(const struct ftpd_config *c,
				  const char *name, size_t len);

#endif /* FTPD_CONFIG_H */
