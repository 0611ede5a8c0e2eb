/*
 * ringbuf.c - byte FIFO for TCP send and receive queues.
 *
 * Storage is allocated on first use and grows by doubling up to the limit,
 * so a connection that never carries much never holds much memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_internal.h"

#define RINGBUF_MIN_ALLOC 2048u

void ringbuf_init(struct ringbuf *rb, uint32_t limit)
{
	memset(rb, 0, sizeof(*rb));
	rb->limit = limit;
}

void ringbuf_free(struct ringbuf *rb)
{
	free(rb->data);
	rb->data = NULL;
	rb->cap = rb->head = rb->len = 0;
}

void ringbuf_set_limit(struct ringbuf *rb, uint32_t limit)
{
	rb->limit = limit < rb->len ? rb->len : limit;
}

/* Makes cap >= need (need <= limit), re-linearising the content at 0.
 * Returns false when memory is short. */
static bool ringbuf_reserve(struct ringbuf *rb, uint32_t need)
{
	uint32_t ncap;
	uint8_t *nd;

	if (need <= rb->cap)
		return true;
	ncap = rb->cap ? rb->cap : RINGBUF_MIN_ALLOC;
	while (ncap < need)
		ncap = ncap > UINT32_MAX / 2 ? UINT32_MAX : ncap * 2;
	if (ncap > rb->limit)
		ncap = rb->limit;
	nd = malloc(ncap);
	if (nd == NULL)
		return false;
	if (rb->data != NULL) {
		/* Copy all allocated bytes in logical order: beyond len they may
		 * hold reassembly data written with ringbuf_write_at. */
		uint32_t first = rb->cap - rb->head;
		memcpy(nd, rb->data + rb->head, first);
		memcpy(nd + first, rb->data, rb->head);
		free(rb->data);
	}
	rb->data = nd;
	rb->cap = ncap;
	rb->head = 0;
	return true;
}

/* Copies n bytes from src into the ring at logical offset off from head. */
static void ring_copy_in(struct ringbuf *rb, uint32_t off, const uint8_t *src,
			 uint32_t n)
{
	uint32_t pos = (uint32_t)(((uint64_t)rb->head + off) % rb->cap);
	uint32_t first = rb->cap - pos;

	if (first > n)
		first = n;
	memcpy(rb->data + pos, src, first);
	memcpy(rb->data, src + first, n - first);
}

uint32_t ringbuf_write(struct ringbuf *rb, const void *src, uint32_t n)
{
	if (n > ringbuf_space(rb))
		n = ringbuf_space(rb);
	if (n == 0 || !ringbuf_reserve(rb, rb->len + n))
		return 0;
	ring_copy_in(rb, rb->len, src, n);
	rb->len += n;
	return n;
}

int ringbuf_write_at(struct ringbuf *rb, uint32_t off, const void *src,
		     uint32_t n)
{
	if (n == 0)
		return 0;
	if ((uint64_t)off + n > ringbuf_space(rb))
		return -EINVAL;
	if (!ringbuf_reserve(rb, rb->len + off + n))
		return -ENOMEM;
	ring_copy_in(rb, rb->len + off, src, n);
	return 0;
}

void ringbuf_commit(struct ringbuf *rb, uint32_t n)
{
	rb->len += n;
}

void ringbuf_peek(const struct ringbuf *rb, uint32_t off, void *dst,
		  uint32_t n)
{
	uint32_t pos, first;

	if (n == 0)
		return;
	pos = (uint32_t)(((uint64_t)rb->head + off) % rb->cap);
	first = rb->cap - pos;
	if (first > n)
		first = n;
	memcpy(dst, rb->data + pos, first);
	memcpy((uint8_t *)dst + first, rb->data, n - first);
}

uint32_t ringbuf_read(struct ringbuf *rb, void *dst, uint32_t n)
{
	if (n > rb->len)
		n = rb->len;
	if (n == 0)
		return 0;
	if (dst != NULL)
		ringbuf_peek(rb, 0, dst, n);
	rb->head = (uint32_t)(((uint64_t)rb->head + n) % rb->cap);
	rb->len -= n;
	/* head must not jump back to 0 when the buffer empties: bytes written
	 * with ringbuf_write_at (TCP reassembly) may sit beyond len, at their
	 * offset from head. */
	return n;
}
