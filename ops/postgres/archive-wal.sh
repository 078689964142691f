#!/usr/bin/env bash
# archive_command helper: copies one finished WAL segment into the archive directory.
#
#   archive-wal.sh WAL_PATH WAL_NAME ARCHIVE_DIR
#
# In postgresql.conf (see postgresql.conf.d/outage-claims.conf):
#   archive_command = '/usr/local/lib/outage-claims/archive-wal.sh %p %f /var/lib/postgresql/wal-archive'
#
# PostgreSQL runs it as the postgres user, in the data directory (%p is relative to it). Exit 0
# only once the segment is durably in the archive: PostgreSQL then recycles its own copy. Any
# other exit makes PostgreSQL keep the segment and retry later, so failing loudly is always safe.
#
# - The copy goes to a temporary name in the archive directory, is flushed to disk, then linked
#   to its final name and the directory flushed: a crash never leaves a half-written segment
#   under a real name (restore_command would happily replay it).
# - The final name is taken with `ln`, which fails if the name exists (a `mv` would silently
#   replace it): an existing segment is never overwritten.
# - If the segment is already archived with identical content (a retry after a crash between
#   the copy and PostgreSQL noting success), that counts as success; different content under the
#   same name means two clusters share one archive directory, or a restored cluster is writing
#   on an old timeline: refuse, and let a human look.
set -euo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: $0 WAL_PATH WAL_NAME ARCHIVE_DIR" >&2
    exit 2
fi
src=$1
name=$2
archive=$3

case $name in
    '' | */* | .*)
        echo "archive-wal: refusing suspicious WAL file name '$name'" >&2
        exit 2
        ;;
esac
if [ ! -f "$src" ]; then
    echo "archive-wal: $src does not exist" >&2
    exit 1
fi
if [ ! -d "$archive" ]; then
    echo "archive-wal: archive directory $archive does not exist (is its disk mounted?)" >&2
    exit 1
fi

dest=$archive/$name
if [ -e "$dest" ]; then
    if cmp -s -- "$src" "$dest"; then
        exit 0
    fi
    echo "archive-wal: $dest already exists with different content; not overwriting" >&2
    exit 1
fi

tmp=$(mktemp "$archive/.$name.XXXXXX")
trap 'rm -f -- "$tmp"' EXIT
cp -- "$src" "$tmp"
# `sync FILE` fsyncs that one file (GNU coreutils 8.24 and later).
sync -- "$tmp"
if ! ln -- "$tmp" "$dest" 2>/dev/null; then
    # Someone archived it between the check and now: fine only if it is the same segment.
    if cmp -s -- "$src" "$dest"; then
        exit 0
    fi
    echo "archive-wal: could not create $dest" >&2
    exit 1
fi
# Make the new directory entry durable too.
sync -- "$archive"
