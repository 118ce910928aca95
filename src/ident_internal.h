/*
 * ident_internal.h - what ident.c and ident_query.c share.
 */
#ifndef EG_IDENT_INTERNAL_H
#define EG_IDENT_INTERNAL_H

extern void ident_digest(const char *tag, const char *s, uint8 *digest);

#endif							/* EG_IDENT_INTERNAL_H */
