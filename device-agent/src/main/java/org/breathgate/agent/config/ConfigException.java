package org.breathgate.agent.config;

import java.util.List;

/** The configuration is not usable; {@link #problems()} lists every problem found, each naming its key. */
public class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("the agent configuration has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code device.id: must be 3-63 characters of a-z, 0-9 and '-'}. */
    public List<String> problems() {
        return problems;
    }
}
