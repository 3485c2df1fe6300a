package dev.tutti.engine.spi;

import java.util.Arrays;
import java.util.Set;

/**
 * The tensor contract every network runtime checks at load, whatever the library: which input and
 * output tensor a member uses (named by the spec's options {@code input} and {@code output}, or the
 * graph's only one), an input of shape {@code [batch, features]} and an output of {@code [batch]} or
 * {@code [batch, columns]}. Each failure is a {@link MemberException} naming the member, the tensor
 * and what was expected.
 *
 * <p>Threads: stateless. Allocation: only the failure messages.
 */
public final class TensorContracts {
    private TensorContracts() {}

    /** The tensor named by the spec's option {@code which} ("input" or "output"), else the graph's only one. */
    public static String pick(ModelSpec spec, String which, Set<String> names) throws MemberException {
        String named = spec.options().get(which);
        if (named != null) {
            if (!names.contains(named)) {
                throw new MemberException("member " + spec.pin() + ": the graph has no " + which + " named '" + named
                        + "'; its " + which + "s are " + names);
            }
            return named;
        }
        if (names.size() != 1) {
            throw new MemberException("member " + spec.pin() + ": the graph has " + names.size() + " " + which + "s "
                    + names + "; name one with the option '" + which + "'");
        }
        return names.iterator().next();
    }

    /** Checks that input {@code name} has shape {@code [batch, width]} for the spec's schema (a free dimension is -1). */
    public static void checkInput(ModelSpec spec, String name, long[] dims) throws MemberException {
        int width = spec.schema().width();
        if (dims.length != 2 || dims[1] > 0 && dims[1] != width) {
            throw new MemberException("member " + spec.pin() + ": input '" + name + "' has shape " + Arrays.toString(dims)
                    + "; the schema gives [batch, " + width + "]");
        }
    }

    /** The columns of output {@code name}: 1 for {@code [batch]}, else the fixed second dimension of {@code [batch, columns]}. */
    public static int columns(ModelSpec spec, String name, long[] dims) throws MemberException {
        if (dims.length == 1) {
            return 1;
        }
        if (dims.length != 2 || dims[1] < 1) {
            throw new MemberException("member " + spec.pin() + ": output '" + name + "' has shape " + Arrays.toString(dims)
                    + "; expected [batch] or [batch, columns] with a fixed column count");
        }
        return (int) dims[1];
    }
}
