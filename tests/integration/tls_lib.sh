# tests/integration/tls_lib.sh - certificates for the FTPS tests, made at
# test time with the openssl command (source after tests/lib.sh):
#
#   tls_ca NAME           a CA: $T/NAME-ca.pem (certificate), $T/NAME-ca.key
#   tls_server CA NAME SAN   a server certificate signed by CA for SAN
#                         (e.g. "IP:76.88.16.16"): $T/NAME.pem, $T/NAME.key
#                         (0600)
#
# Keys are EC P-256: quick to make, and every client here takes them.

tls_need_openssl() {
	need_cmd openssl
}

tls_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1-ca.key" -out "$T/$1-ca.pem" -days 2 \
		-subj "/O=synfin test/CN=$1 test CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		>"$T/openssl-$1.log" 2>&1 || fail "openssl: cannot make CA $1"
	chmod 600 "$T/$1-ca.key"
}

tls_server() {
	local ca=$1 name=$2 san=$3
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$name.key" -out "$T/$name.csr" \
		-subj "/O=synfin test/CN=$name" \
		>"$T/openssl-$name.log" 2>&1 || fail "openssl: cannot make key $name"
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
		"$san" >"$T/$name.ext"
	openssl x509 -req -in "$T/$name.csr" -CA "$T/$ca-ca.pem" \
		-CAkey "$T/$ca-ca.key" -CAcreateserial -days 2 \
		-extfile "$T/$name.ext" -out "$T/$name.pem" \
		>>"$T/openssl-$name.log" 2>&1 || fail "openssl: cannot sign $name"
	chmod 600 "$T/$name.key"
	chmod 644 "$T/$name.pem"
}
