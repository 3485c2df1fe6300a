package dev.tutti.engine.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.FeatureType;
import dev.tutti.engine.schema.InputSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaJsonTest {
    @Test
    void shouldReadBackEveryFieldItWrites() throws Exception {
        InputSchema schema = new InputSchema(List.of(
                FeatureSpec.numeric("tenure", true),
                FeatureSpec.numeric("charges", false),
                new FeatureSpec("contract", FeatureType.CATEGORICAL, List.of("Month-to-month", "One year"), true, true),
                FeatureSpec.categorical("paperless", List.of("No", "Yes"), false)));

        InputSchema read = SchemaJson.read(JsonFields.of("schema.json", SchemaJson.write(schema)));

        assertThat(read).isEqualTo(schema);
        assertThat(read.feature(2).unknownAsMissing()).isTrue();
        assertThat(read.feature(3).unknownAsMissing()).isFalse();
    }

    @Test
    void shouldWriteTheDocumentedFieldNames() {
        var json = SchemaJson.write(new InputSchema(List.of(FeatureSpec.categorical("c", List.of("a", "b"), true))));

        assertThat(json.toString())
                .isEqualTo("{\"features\":[{\"name\":\"c\",\"type\":\"categorical\",\"categories\":[\"a\",\"b\"],\"missing\":true,\"unknown\":\"reject\"}]}");
    }
}
