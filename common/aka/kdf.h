/* Internal to common/aka: per-thread state of the KDF (kdf.c). */
#ifndef AKA_KDF_H
#define AKA_KDF_H

/* Frees the calling thread's HMAC context (aka_thread_cleanup). */
void kdf_thread_cleanup(void);

#endif
