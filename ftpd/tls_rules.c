/*
 * tls_rules.c - FTPS decisions (see tls_rules.h).
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "ftpd_config.h"
#include "tls.h"
#include "tls_rules.h"

static bool word_is(const char *arg, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(arg, w, len) == 0;
}

unsigned ftpd_auth_decide(const char *arg, size_t len, bool enabled,
			  bool tls_on, bool user_given, const char **text)
{
	if (!word_is(arg, len, "TLS") && !word_is(arg, len, "TLS-C") &&
	    !word_is(arg, len, "SSL")) {
		*text = "Unknown security mechanism; use AUTH TLS.";
		return 504;
	}
	if (!enabled) {
		*text = "TLS is not offered on this server.";
		return 502;
	}
	if (tls_on) {
		*text = "TLS is already on for this connection.";
		return 503;
	}
	/* SECURITY: a name sent in clear text before AUTH is not taken
	 * over into the protected session. */
	if (user_given) {
		*text = "AUTH TLS must come before USER.";
		return 503;
	}
	*text = "Proceed with negotiation.";
	return 234;
}

unsigned ftpd_pbsz_decide(bool tls_on, const char **text)
{
	if (!tls_on) {
		*text = "PBSZ needs AUTH TLS first.";
		return 503;
	}
	*text = "PBSZ=0";
	return 200;
}

unsigned ftpd_prot_decide(const char *arg, size_t len, bool tls_on,
			  bool pbsz_given, bool data_forced, bool *private_out,
			  const char **text)
{
	if (!tls_on) {
		*text = "PROT needs AUTH TLS first.";
		return 503;
	}
	if (!pbsz_given) {
		*text = "PROT needs PBSZ first (PBSZ 0).";
		return 503;
	}
	if (word_is(arg, len, "P")) {
		*private_out = true;
		*text = "PROT now Private.";
		return 200;
	}
	if (word_is(arg, len, "C")) {
		/* SECURITY: force_local_data_ssl. */
		if (data_forced) {
			*text = "PROT C refused: this login's data connections "
				"must be protected; use PROT P.";
			return 534;
		}
		*private_out = false;
		*text = "PROT now Clear.";
		return 200;
	}
	if (word_is(arg, len, "S") || word_is(arg, len, "E")) {
		*text = "PROT S and E are not supported; use PROT P.";
		return 536;
	}
	*text = "Unknown protection level; use PROT P or PROT C.";
	return 504;
}

unsigned ftpd_ccc_decide(bool protected_now, bool allow, bool logged_in,
			 bool busy, const char **text)
{
	if (!protected_now) {
		*text = "CCC needs a protected control connection (AUTH TLS).";
		return 533;
	}
	/* SECURITY: allow_ccc = no keeps the control connection encrypted
	 * to the end. */
	if (!allow) {
		*text = "CCC refused by policy (allow_ccc = no); the control "
			"connection stays protected.";
		return 534;
	}
	/* SECURITY: the password never goes in clear text: CCC only once
	 * the login is done. */
	if (!logged_in) {
		*text = "Log in first; CCC comes after the login.";
		return 530;
	}
	/* Bytes under TLS after CCC (pipelined) or replies still queued
	 * would be cut at the switch: refused, the connection stays
	 * protected. */
	if (busy) {
		*text = "CCC refused: data is still in flight on the control "
			"connection; send CCC alone and read its reply first.";
		return 534;
	}
	*text = "Control connection back to clear text.";
	return 200;
}

/* TLS record content types (RFC 8446 5.1). */
#define FTPD_TLS_CT_ALERT 21
#define FTPD_TLS_CT_APPDATA 23

enum ftpd_ccc_next ftpd_ccc_classify(uint8_t first)
{
	return first == FTPD_TLS_CT_ALERT || first == FTPD_TLS_CT_APPDATA
		       ? FTPD_CCC_TLS_RECORD
		       : FTPD_CCC_CLEAR_TEXT;
}

unsigned ftpd_login_tls_decide(bool enabled, bool tls_on, bool anonymous,
			       bool force_local, bool allow_anon,
			       const char **text)
{
	if (!enabled)
		return 0;
	/* SECURITY: force_local_logins_ssl: no password of a real account
	 * travels in clear text. */
	if (!anonymous && !tls_on && force_local) {
		*text = "Non-anonymous sessions must use encryption.";
		return 530;
	}
	if (anonymous && tls_on && !allow_anon) {
		*text = "Anonymous sessions may not use encryption.";
		return 530;
	}
	return 0;
}

unsigned ftpd_data_tls_decide(bool enabled, bool prot_private, bool anonymous,
			      bool force_local_data, const char **text)
{
	/* SECURITY: force_local_data_ssl: a real account's files never
	 * travel in clear text. */
	if (enabled && !prot_private && !anonymous && force_local_data) {
		*text = "Data connections must be encrypted: use PROT P.";
		return 521;
	}
	return 0;
}

unsigned ftpd_reuse_check(bool required, bool reused, const void *tag,
			  size_t tag_len, const uint8_t *want, size_t want_len,
			  const char **text)
{
	if (!required)
		return 0;
	/* SECURITY: require_ssl_reuse: a data connection proves it comes
	 * from the client of this control connection by resuming a TLS
	 * session that the control connection issued (as vsftpd and
	 * ProFTPD require), so a stolen data connection gets nothing. */
	if (!reused || !tag || tag_len != want_len ||
	    memcmp(tag, want, want_len) != 0) {
		*text = "SSL connection failed: session reuse required";
		return 522;
	}
	return 0;
}

/* Walks an RFC 7301 protocol list: true when it is well formed; *ftp
 * points at the "ftp" entry's id when there is one. */
static bool alpn_scan(const uint8_t *p, size_t len, const uint8_t **ftp)
{
	size_t off = 0;

	*ftp = NULL;
	while (off < len) {
		size_t n = p[off];

		if (n == 0 || n > len - off - 1)
			return false;
		if (n == TLS_ALPN_FTP_LEN &&
		    memcmp(p + off + 1, TLS_ALPN_FTP, n) == 0 && !*ftp)
			*ftp = p + off + 1;
		off += 1 + n;
	}
	return true;
}

enum ftpd_alpn_verdict ftpd_alpn_decide(int mode, const uint8_t *offered,
					size_t len, const uint8_t **sel)
{
	const uint8_t *ftp = NULL;

	*sel = NULL;
	if (len == 0 || !offered)
		return mode == FTPD_ALPN_REQUIRED ? FTPD_ALPN_REFUSE
						  : FTPD_ALPN_NOACK;
	if (!alpn_scan(offered, len, &ftp))
		return FTPD_ALPN_REFUSE;
	if (ftp) {
		*sel = ftp;
		return FTPD_ALPN_SELECT;
	}
	/* SECURITY: ALPACA (CVE-2021-3618): a client that speaks ALPN
	 * and does not offer ftp wants another protocol: whoever sent it
	 * here redirected it. */
	return mode == FTPD_ALPN_NO ? FTPD_ALPN_NOACK : FTPD_ALPN_REFUSE;
}

bool ftpd_sni_ok(bool check, const char *sni, size_t len, bool cert_match,
		 bool host_match)
{
	/* SECURITY: ALPACA: a name that is not ours means the client
	 * meant another server that shares the certificate. */
	if (!check || !sni || len == 0)
		return true;
	return cert_match || host_match;
}
