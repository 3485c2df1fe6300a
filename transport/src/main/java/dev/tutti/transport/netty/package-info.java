/**
 * Netty pieces shared by the servers and the client: framing ({@link dev.tutti.transport.netty.FrameDecoder}),
 * views of {@code ByteBuf}s as Agrona buffers for the protocol flyweights, the cross-thread write
 * coalescer ({@link dev.tutti.transport.netty.Outbox}), the connection limit and the event loops.
 * Only this module's packages use Netty (an ArchUnit rule).
 */
package dev.tutti.transport.netty;
