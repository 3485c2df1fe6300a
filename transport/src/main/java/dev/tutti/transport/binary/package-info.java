/**
 * The binary protocol server (docs/protocol.md): a pipeline of
 * {@link dev.tutti.transport.netty.ConnectionLimiter}, Netty's {@code IdleStateHandler},
 * {@link dev.tutti.transport.binary.ReplyEncoder}, {@link dev.tutti.transport.netty.FrameDecoder} and
 * {@link dev.tutti.transport.binary.RequestHandler}. Requests are pipelined: answers are written as
 * they complete, matched by correlation id.
 */
package dev.tutti.transport.binary;
