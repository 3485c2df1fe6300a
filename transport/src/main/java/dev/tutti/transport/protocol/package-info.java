/**
 * The binary protocol of docs/protocol.md as flyweights over Agrona buffers: each codec wraps a
 * buffer at an offset and reads or writes fields in place, little-endian, at the offsets its
 * constants name. Nothing here knows of Netty or sockets: the network layer only frames bytes.
 *
 * <p>Threads: a flyweight is used by one thread at a time (each connection's event loop keeps its
 * own). Allocation: wrapping and reading numbers allocate nothing; strings and row arrays are
 * allocated where a method says so.
 */
package dev.tutti.transport.protocol;
