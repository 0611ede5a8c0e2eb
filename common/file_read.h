/*
 * file_read.h - reading a whole, bounded, regular file (configuration,
 * users file, banner) with messages that name the file, the cause and
 * the fix.
 */
#ifndef FILE_READ_H
#define FILE_READ_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads the regular file at path (at most max bytes) into a new buffer:
 * *buf (the caller frees it; NUL-terminated) and *len. what names the
 * file in messages ("users file"; NULL: the path alone). A file whose
 * mode has any bit of refuse_mode (e.g. S_IWGRP | S_IWOTH) is refused.
 * Returns 0, or -errno with err set: the open error, -EINVAL (not a
 * regular file), -EFBIG (over max), -EPERM (refuse_mode), -ENOMEM, -EIO.
 */
int file_read_all(const char *what, const char *path, size_t max,
		  mode_t refuse_mode, char **buf, size_t *len, char *err,
		  size_t errlen);

#endif /* FILE_READ_H */
