/*
 * tls_mkcert.c - `ftpd --make-cert FILE`: a self-signed certificate and
 * its key for a first run of FTPS, made with OpenSSL's API (EC P-256,
 * SHA-256, FTPD_CERT_DAYS days). It names the configured address (an IP
 * entry), this machine's host name and every `host` line's name, so
 * clients that check names accept it once they trust it.
 *
 *   FILE      the certificate and the key (mode 0600): rsa_cert_file
 *   FILE.crt  the certificate alone, for clients (ftp -z cafile=FILE.crt)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ftpd_config_internal.h"
#include "tls_server.h"
#include "ts_link.h"

#define MKCERT_SAN_MAX 4096
#define MKCERT_SERIAL_BITS 127
#define MKCERT_CRT_SUFFIX ".crt"

static EVP_PKEY *make_key(void)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	EVP_PKEY *k = NULL;

	if (pc && EVP_PKEY_keygen_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pc, NID_X9_62_prime256v1)
		    == 1)
		EVP_PKEY_keygen(pc, &k);
	EVP_PKEY_CTX_free(pc);
	return k;
}

static bool dns_name_ok(const char *n, size_t len)
{
	size_t i;

	if (len == 0 || len > FTPD_HOSTNAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9') || n[i] == '-' || n[i] == '.'))
			return false;
	return true;
}

/* "IP:76.88.16.16,DNS:host,DNS:ftp.example.org"; *cn gets the first
 * DNS name, or the address. */
static void san_list(const struct ftpd_config *c, char *san, size_t cap,
		     char *cn, size_t cncap)
{
	char a[16], host[FTPD_HOSTNAME_MAX + 1];
	struct ftpd_vhost h;
	size_t i, n;

	ts_ipv4_str(c->address.addr, a);
	n = (size_t)snprintf(san, cap, "IP:%s", a);
	snprintf(cn, cncap, "%s", a);
	if (gethostname(host, sizeof(host)) == 0 &&
	    dns_name_ok(host, strnlen(host, sizeof(host)))) {
		n += (size_t)snprintf(san + n, n < cap ? cap - n : 0, ",DNS:%s",
				      host);
		snprintf(cn, cncap, "%s", host);
	}
	for (i = 0; i < c->host.n && n < cap; i++)
		if (ftpd_vhost_split(c->host.items[i], &h) == 0 &&
		    dns_name_ok(h.name, h.name_len))
			n += (size_t)snprintf(san + n, cap - n, ",DNS:%.*s",
					      (int)h.name_len, h.name);
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!e)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok == 1 ? 0 : -1;
}

static int fill_cert(X509 *x, EVP_PKEY *k, const char *cn, const char *san)
{
	X509_NAME *name = X509_get_subject_name(x);
	BIGNUM *bn = BN_new();
	int ok = bn && BN_rand(bn, MKCERT_SERIAL_BITS, BN_RAND_TOP_ANY,
			       BN_RAND_BOTTOM_ANY) == 1 &&
		 BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;

	BN_free(bn);
	ok = ok && X509_set_version(x, 2) == 1 &&
	     X509_gmtime_adj(X509_getm_notBefore(x), 0) != NULL &&
	     X509_gmtime_adj(X509_getm_notAfter(x),
			     (long)FTPD_CERT_DAYS * 86400L) != NULL &&
	     X509_set_pubkey(x, k) == 1 &&
	     X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					(const unsigned char *)"synfin ftpd",
					-1, -1, 0) == 1 &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1,
					0) == 1 &&
	     X509_set_issuer_name(x, name) == 1;
	if (!ok || add_ext(x, NID_basic_constraints, "critical,CA:TRUE") ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign") ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") ||
	    add_ext(x, NID_subject_key_identifier, "hash") ||
	    add_ext(x, NID_subject_alt_name, san))
		return -1;
	return X509_sign(x, k, EVP_sha256()) > 0 ? 0 : -1;
}

/* Writes the PEM blocks to a new file (never over an old one). */
static int write_pem(const char *path, mode_t mode, X509 *x, EVP_PKEY *k,
		     char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ok;

	if (!f) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "cannot create %s: %s%s", path,
			 strerror(e), e == EEXIST ? " (remove it first, or "
			 "give another name)" : "");
		return -e;
	}
	ok = PEM_write_X509(f, x) == 1 &&
	     (!k || PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1);
	if (fclose(f) != 0 || !ok) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		unlink(path);
		return -EIO;
	}
	return 0;
}

int ftpd_make_cert(const struct ftpd_config *c, const char *path, char *err,
		   size_t errlen)
{
	char san[MKCERT_SAN_MAX], cn[FTPD_HOSTNAME_MAX + 1], crt[PATH_MAX];
	EVP_PKEY *k = make_key();
	X509 *x = X509_new();
	int rc = -ENOMEM;

	if (snprintf(crt, sizeof(crt), "%s%s", path, MKCERT_CRT_SUFFIX) >=
	    (int)sizeof(crt)) {
		snprintf(err, errlen, "%s: path too long", path);
		rc = -ENAMETOOLONG;
	} else if (!k || !x) {
		snprintf(err, errlen, "cannot make a key: out of memory");
	} else {
		san_list(c, san, sizeof(san), cn, sizeof(cn));
		if (fill_cert(x, k, cn, san) != 0) {
			snprintf(err, errlen, "cannot make the certificate "
				 "(subject alternative names %s)", san);
			rc = -EINVAL;
		} else if ((rc = write_pem(path, 0600, x, k, err, errlen)) == 0 &&
			   (rc = write_pem(crt, 0644, x, NULL, err, errlen)) != 0) {
			unlink(path);
		}
	}
	if (rc == 0)
		snprintf(err, errlen, "wrote %s (certificate and key, mode "
			 "0600: set rsa_cert_file = %s) and %s (the certificate "
			 "for clients: ftp -z cafile=%s); it names %s and is "
			 "valid for %d days", path, path, crt, crt, san,
			 FTPD_CERT_DAYS);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}
