package org.breathgate.hardware;

/**
 * Colours of the status light. There is deliberately no red: messages to the parent describe,
 * they do not accuse. A single-colour LED shows every colour the same.
 */
public enum LightColour {
    WHITE, GREEN, AMBER, BLUE
}
