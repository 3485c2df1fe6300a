package dev.tutti.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.transport.testing.Leaks;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OutboxTest {

    @BeforeAll
    static void paranoid() {
        Leaks.paranoid();
    }

    @AfterEach
    void noLeaks() {
        Leaks.assertNone();
    }

    @Test
    void shouldWriteEverythingOfferedMeanwhileInOrderWithOneFlush() {
        int[] flushes = {0};
        List<String> seen = new ArrayList<>();
        ChannelInboundHandlerAdapter anchor = new ChannelInboundHandlerAdapter();
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        }, anchor);
        Outbox<String> outbox = new Outbox<>(ch.pipeline().context(anchor), seen::add);
        outbox.offer("a");
        outbox.offer("b");
        outbox.offer("c");
        assertThat(ch.<Object>readOutbound()).isNull(); // nothing written until the event loop runs the drain
        ch.runPendingTasks();
        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(flushes[0]).isEqualTo(1);
        assertThat((String) ch.readOutbound()).isEqualTo("a");
        assertThat((String) ch.readOutbound()).isEqualTo("b");
        assertThat((String) ch.readOutbound()).isEqualTo("c");
        outbox.offer("d");
        ch.runPendingTasks();
        assertThat((String) ch.readOutbound()).isEqualTo("d");
        assertThat(flushes[0]).isEqualTo(2);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
