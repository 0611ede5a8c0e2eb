/*
 * tls_rules.h - the FTPS (RFC 4217) decisions of the daemon, as pure
 * functions of their inputs (no I/O, no OpenSSL state), so each rule is
 * tested on its own (tests/unit/check_tls_rules.c):
 *
 *   AUTH, PBSZ, PROT, CCC      arguments and order  -> reply code, text
 *   USER/PASS without TLS      force_local_logins_ssl, allow_anon_ssl
 *   transfers under PROT C     force_local_data_ssl -> 521
 *   data connection TLS        require_ssl_reuse    -> 522
 *   ALPN, SNI (ALPACA)         ssl_alpn, ssl_sni_check
 *
 * Reply texts are static strings.
 */
#ifndef FTPD_TLS_RULES_H
#define FTPD_TLS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* AUTH arg: 234 to start TLS; 502 TLS off (ssl_enable = no); 503 TLS on
 * already, or after USER; 504 another mechanism. TLS, TLS-C and SSL
 * name the same thing. */
unsigned ftpd_auth_decide(const char *arg, size_t len, bool enabled,
			  bool tls_on, bool user_given, const char **text);

/* PBSZ (a decimal number, checked by the command table): 503 before
 * AUTH TLS; else 200 "PBSZ=0" (the only size for TLS). */
unsigned ftpd_pbsz_decide(bool tls_on, const char **text);

/* PROT arg: 503 before AUTH TLS or PBSZ; 200 with *private for C or P;
 * 534 C while the login's data must be protected (data_forced); 536 S
 * or E; 504 anything else. */
unsigned ftpd_prot_decide(const char *arg, size_t len, bool tls_on,
			  bool pbsz_given, bool data_forced, bool *private_out,
			  const char **text);

/* CCC: 533 unless the control connection is protected now (before AUTH
 * TLS, or after a CCC); 534 when allow_ccc = no; 530 before login;
 * 534 while bytes are in flight (busy: a command or a record sent after
 * CCC, replies the client did not read); 200 otherwise. */
unsigned ftpd_ccc_decide(bool protected_now, bool allow, bool logged_in,
			 bool busy, const char **text);

/* What the client sent first after CCC's 200 (RFC 4217 12.3), from its
 * first byte: its TLS close_notify (a record: an alert, or application
 * data as TLS 1.3 hides alerts in) for OpenSSL to read, or a clear-text
 * command (which never starts with those control bytes). */
enum ftpd_ccc_next {
	FTPD_CCC_TLS_RECORD,
	FTPD_CCC_CLEAR_TEXT,
};

enum ftpd_ccc_next ftpd_ccc_classify(uint8_t first);

/* USER and PASS: 0 to go on, or 530: a non-anonymous login without TLS
 * while force_local_logins_ssl, or an anonymous one with TLS while
 * allow_anon_ssl = no. Nothing applies while ssl_enable = no. */
unsigned ftpd_login_tls_decide(bool enabled, bool tls_on, bool anonymous,
			       bool force_local, bool allow_anon,
			       const char **text);

/* A transfer: 0, or 521 when a non-anonymous login's data would go in
 * clear text (PROT C) while force_local_data_ssl. */
unsigned ftpd_data_tls_decide(bool enabled, bool prot_private, bool anonymous,
			      bool force_local_data, const char **text);

/* A data connection's TLS handshake is done: 0 to use it, or 522 when
 * require_ssl_reuse and its session was not resumed (reused) from one
 * this control connection issued: the session's tag (its ticket
 * application data, tag_len bytes, may be NULL) must equal want. */
unsigned ftpd_reuse_check(bool required, bool reused, const void *tag,
			  size_t tag_len, const uint8_t *want, size_t want_len,
			  const char **text);

enum ftpd_alpn_verdict {
	FTPD_ALPN_SELECT,  /* answer "ftp"                              */
	FTPD_ALPN_NOACK,   /* answer no protocol, go on                 */
	FTPD_ALPN_REFUSE,  /* end the handshake (no_application_protocol) */
};

/* The client offered the ALPN list `offered` (RFC 7301 wire format, len
 * bytes; len 0: no ALPN extension). mode is enum ftpd_alpn_mode. For
 * SELECT, *sel points at the "ftp" id inside offered (3 bytes). A
 * malformed list is refused. */
enum ftpd_alpn_verdict ftpd_alpn_decide(int mode, const uint8_t *offered,
					size_t len, const uint8_t **sel);

/* SNI: true to go on. A client naming a server (sni, len bytes; NULL:
 * none) that neither the certificate (cert_match) nor a `host` line
 * (host_match) is for is refused while check (ssl_sni_check). */
bool ftpd_sni_ok(bool check, const char *sni, size_t len, bool cert_match,
		 bool host_match);

#endif /* FTPD_TLS_RULES_H */
