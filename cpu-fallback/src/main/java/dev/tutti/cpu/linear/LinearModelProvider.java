package dev.tutti.cpu.linear;

import dev.tutti.engine.manifest.ManifestException;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.util.Optional;
import java.util.Set;

/** Loads linear and logistic members from Tutti's linear JSON format. Pure Java; always available. */
public final class LinearModelProvider implements MemberRuntimeProvider {

    @Override
    public String name() {
        return "java-linear";
    }

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public Set<String> formats() {
        return Set.of(ModelFormats.LINEAR_JSON);
    }

    @Override
    public Optional<String> unavailableReason(ModelSpec spec) {
        return Optional.empty();
    }

    @Override
    public Member load(ModelSpec spec) throws MemberException {
        LinearModel model;
        try {
            model = LinearModel.read(spec.artifact(), spec.schema());
        } catch (ManifestException e) {
            throw new MemberException("member " + spec.pin() + ": " + e.getMessage(), e);
        }
        if (model.task() != spec.task() || model.outputs() != spec.outputs()) {
            throw new MemberException("member " + spec.pin() + ": the model file is a " + model.task() + " model with "
                    + model.outputs() + " output(s) but the spec says " + spec.task() + " with " + spec.outputs());
        }
        return new LinearMember(spec, model);
    }
}
