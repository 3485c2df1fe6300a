package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeModelException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tutti.cpu.tree.xgboost.UbjReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UbjReaderTest {

    /** Builds UBJSON bytes, big-endian. */
    private static final class Ubj {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Ubj c(char marker) {
            out.write(marker);
            return this;
        }

        Ubj i8(int v) {
            out.write(v);
            return this;
        }

        Ubj i16(int v) {
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) v).array());
            return this;
        }

        Ubj i32(int v) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
            return this;
        }

        Ubj i64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
            return this;
        }

        Ubj f32(float v) {
            out.writeBytes(ByteBuffer.allocate(4).putFloat(v).array());
            return this;
        }

        Ubj f64(double v) {
            out.writeBytes(ByteBuffer.allocate(8).putDouble(v).array());
            return this;
        }

        /** A key or string payload with a uint8 length. */
        Ubj key(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('U');
            out.write(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void readsTheContainersAndScalarsXGBoostWrites() throws Exception {
        Ubj u = new Ubj().c('{')
                .key("floats").c('[').c('$').c('d').c('#').c('L').i64(3).f32(0.1f).f32(Float.NaN).f32(-2.5f)
                .key("ints").c('[').c('$').c('l').c('#').c('i').i8(2).i32(-7).i32(1 << 30)
                .key("bytes").c('[').c('$').c('U').c('#').c('U').i8(2).i8(1).i8(255)
                .key("mixed").c('[').c('#').c('I').i16(3).c('i').i8(-3).c('S').key("x").c('D').f64(0.25)
                .key("plain").c('[').c('N').c('I').i16(-300).c('T').c('F').c('Z').c('C').i8('q').c(']')
                .key("big").c('L').i64(1L << 40)
                .key("text").c('S').key("5E-1")
                .key("hp").c('H').key("1.5")
                .key("counted").c('{').c('#').c('U').i8(1).key("k").c('i').i8(9)
                .c('}');
        JsonNode n = UbjReader.read(u.bytes());
        assertThat(n.get("floats").get(0).floatValue()).isEqualTo(0.1f);
        assertThat(n.get("floats").get(1).floatValue()).isNaN();
        assertThat(n.get("floats").get(2).floatValue()).isEqualTo(-2.5f);
        assertThat(n.get("ints").get(0).intValue()).isEqualTo(-7);
        assertThat(n.get("ints").get(1).intValue()).isEqualTo(1 << 30);
        assertThat(n.get("bytes").get(1).intValue()).isEqualTo(255);
        assertThat(n.get("mixed").get(0).intValue()).isEqualTo(-3);
        assertThat(n.get("mixed").get(1).asText()).isEqualTo("x");
        assertThat(n.get("mixed").get(2).doubleValue()).isEqualTo(0.25);
        assertThat(n.get("plain").size()).isEqualTo(5);
        assertThat(n.get("plain").get(0).intValue()).isEqualTo(-300);
        assertThat(n.get("plain").get(1).booleanValue()).isTrue();
        assertThat(n.get("plain").get(3).isNull()).isTrue();
        assertThat(n.get("plain").get(4).asText()).isEqualTo("q");
        assertThat(n.get("big").longValue()).isEqualTo(1L << 40);
        assertThat(n.get("text").asText()).isEqualTo("5E-1");
        assertThat(n.get("hp").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(n.get("counted").get("k").intValue()).isEqualTo(9);
    }

    @Test
    void malformedDocumentsAreRejectedWithTheByteOffset() {
        assertThatThrownBy(() -> UbjReader.read(new Ubj().c('{').key("a").c('?').bytes()))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("at byte")
                .hasMessageContaining("unknown type marker '?'");
        assertThatThrownBy(() -> UbjReader.read(new Ubj().c('[').c('$').c('d').c('#').c('L').i64(1_000_000).f32(1f).bytes()))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("runs past the end");
        assertThatThrownBy(() -> UbjReader.read(new Ubj().c('[').c('$').c('d').c('L').bytes()))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("must give a count");
        assertThatThrownBy(() -> UbjReader.read(new Ubj().c('[').c('i').i8(1).bytes()))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> UbjReader.read(new Ubj().c('S').c('i').i8(-1).bytes()))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("invalid length -1");
        assertThatThrownBy(() -> UbjReader.read(new Ubj().c('T').c('T').bytes()))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("after the top-level value");
        byte[] deep = new byte[1000];
        java.util.Arrays.fill(deep, (byte) '[');
        assertThatThrownBy(() -> UbjReader.read(deep))
                .isInstanceOf(TreeModelException.class)
                .hasMessageContaining("nested deeper");
    }
}
