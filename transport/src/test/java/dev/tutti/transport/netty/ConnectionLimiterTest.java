package dev.tutti.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.transport.testing.Leaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

    @BeforeAll
    static void paranoid() {
        Leaks.paranoid();
    }

    @AfterEach
    void noLeaks() {
        Leaks.assertNone();
    }

    @Test
    void shouldRefuseAndCloseConnectionsOverTheLimit() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, alloc -> Unpooled.copiedBuffer("busy", StandardCharsets.US_ASCII));
        EmbeddedChannel first = new EmbeddedChannel(limiter);
        EmbeddedChannel second = new EmbeddedChannel(limiter);
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isFalse();
        ByteBuf refusal = second.readOutbound();
        assertThat(refusal.toString(StandardCharsets.US_ASCII)).isEqualTo("busy");
        refusal.release();
        assertThat(limiter.open()).isEqualTo(1);
        first.close();
        assertThat(limiter.open()).isZero();
        EmbeddedChannel third = new EmbeddedChannel(limiter);
        assertThat(third.isOpen()).isTrue();
        assertThat(third.finishAndReleaseAll()).isFalse();
        assertThat(second.finishAndReleaseAll()).isFalse();
        assertThat(limiter.open()).isZero();
    }

    @Test
    void shouldCloseWithoutAWordWhenThereIsNoRefusal() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, null);
        EmbeddedChannel first = new EmbeddedChannel(limiter);
        EmbeddedChannel second = new EmbeddedChannel(limiter);
        assertThat(second.isOpen()).isFalse();
        assertThat(second.<Object>readOutbound()).isNull();
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }
}
