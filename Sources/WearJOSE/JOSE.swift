// The JWE compact format (RFC 7516) shared by wear-decrypt and `wear seal`.
