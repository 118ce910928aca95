/*
 * ident_internal.h - what ident.c, ident_query.c and ident_classify.c share.
 */
#ifndef EG_IDENT_INTERNAL_H
#define EG_IDENT_INTERNAL_H

#include "nodes/nodes.h"

extern void ident_digest(const char *tag, const char *s, uint8 *digest);

/* ident_classify.c: what functions, types and constants imply for ids */
extern bool ident_is_time_function(Oid funcid);
extern bool ident_is_privilege_function(Oid funcid);
extern bool ident_text_form_reads_settings(Oid typid, bool output);
extern bool ident_is_settings_io_function(Oid funcid);
extern bool ident_is_settings_builtin(Oid funcid);
extern bool ident_has_clock_word(const char *s);
extern bool ident_is_clock_text(Node *node);

#endif							/* EG_IDENT_INTERNAL_H */
