/*
 * cmds.h - the command handlers named in the command table
 * (cmd_table.c), grouped by concern:
 *
 *   cmd_auth.c   USER PASS ACCT REIN QUIT HOST
 *   cmd_nav.c    CWD CDUP PWD MKD RMD (and XCWD XCUP XPWD XMKD XRMD)
 *   cmd_file.c   DELE RNFR RNTO SIZE MDTM ALLO SITE (CHMOD HELP IDLE)
 *   cmd_param.c  TYPE STRU MODE REST
 *   cmd_info.c   SYST STAT HELP NOOP FEAT OPTS MLST
 *   cmd_data.c   PORT PASV EPRT EPSV ABOR
 *   cmd_xfer.c   RETR STOR APPE STOU LIST NLST MLSD
 *   cmd_tls.c    AUTH PBSZ PROT CCC (RFC 4217)
 *
 * Each runs after ftpd_cmd_check() passed (argument rule, login,
 * sequence, permission) and sends its own reply.
 */
#ifndef FTPD_CMDS_H
#define FTPD_CMDS_H

#include "cmd_table.h"

ftpd_cmd_fn ftpd_cmd_user, ftpd_cmd_pass, ftpd_cmd_acct, ftpd_cmd_rein,
	ftpd_cmd_quit, ftpd_cmd_host;
ftpd_cmd_fn ftpd_cmd_cwd, ftpd_cmd_cdup, ftpd_cmd_pwd, ftpd_cmd_mkd,
	ftpd_cmd_rmd;
ftpd_cmd_fn ftpd_cmd_dele, ftpd_cmd_rnfr, ftpd_cmd_rnto, ftpd_cmd_size,
	ftpd_cmd_mdtm, ftpd_cmd_allo, ftpd_cmd_site, ftpd_cmd_site_chmod,
	ftpd_cmd_site_help, ftpd_cmd_site_idle;
ftpd_cmd_fn ftpd_cmd_type, ftpd_cmd_stru, ftpd_cmd_mode, ftpd_cmd_rest;
ftpd_cmd_fn ftpd_cmd_syst, ftpd_cmd_stat, ftpd_cmd_help, ftpd_cmd_noop,
	ftpd_cmd_feat, ftpd_cmd_opts, ftpd_cmd_mlst;
ftpd_cmd_fn ftpd_cmd_port, ftpd_cmd_pasv, ftpd_cmd_eprt, ftpd_cmd_epsv,
	ftpd_cmd_abor;
ftpd_cmd_fn ftpd_cmd_retr, ftpd_cmd_stor, ftpd_cmd_appe, ftpd_cmd_stou,
	ftpd_cmd_list, ftpd_cmd_nlst, ftpd_cmd_mlsd;
ftpd_cmd_fn ftpd_cmd_auth, ftpd_cmd_pbsz, ftpd_cmd_prot, ftpd_cmd_ccc;

#endif /* FTPD_CMDS_H */
