package org.breathgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnrollmentCodeTest {

    @Test
    void the_documented_test_vectors_are_well_formed_and_a_changed_check_symbol_is_not() {
        assertEquals("K7M2-Q9XD-4RTB-8HWD", EnrollmentCode.parse("K7M2-Q9XD-4RTB-8HWD").toString());
        assertEquals("0000-0000-0000-0000", EnrollmentCode.parse("0000-0000-0000-0000").toString());
        assertThrows(IllegalArgumentException.class, () -> EnrollmentCode.parse("K7M2-Q9XD-4RTB-8HW0"));
        assertEquals('D', EnrollmentCode.checkSymbol("K7M2Q9XD4RTB8HW"));
    }

    @Test
    void reading_is_forgiving_about_case_separators_and_look_alike_letters() {
        EnrollmentCode c = EnrollmentCode.parse("k7m2 q9xd 4rtb 8hwd");
        assertEquals(c, EnrollmentCode.parse("K7M2Q9XD4RTB8HWD"));
        EnrollmentCode zeros = EnrollmentCode.parse("OOOO-oooo-0000-0000");
        assertEquals("0000-0000-0000-0000", zeros.toString());
        String ones = "1111-1111-1111-111";
        String check = Character.toString(EnrollmentCode.checkSymbol("111111111111111"));
        assertEquals(EnrollmentCode.parse(ones + check), EnrollmentCode.parse("IlIl-1111-LLLL-111" + check));
    }

    @Test
    void every_single_mistyped_symbol_is_caught() {
        Random r = new Random(7);
        for (int n = 0; n < 200; n++) {
            String code = EnrollmentCode.generate(new SecureRandom()).toString().replace("-", "");
            int pos = r.nextInt(16);
            char other;
            do {
                other = EnrollmentCode.ALPHABET.charAt(r.nextInt(32));
            } while (other == code.charAt(pos));
            String typo = code.substring(0, pos) + other + code.substring(pos + 1);
            assertThrows(IllegalArgumentException.class, () -> EnrollmentCode.parse(typo), typo);
        }
    }

    @Test
    void most_swapped_neighbours_are_caught() {
        Random r = new Random(11);
        int caught = 0;
        int swaps = 0;
        for (int n = 0; n < 500; n++) {
            String code = EnrollmentCode.generate(new SecureRandom()).toString().replace("-", "");
            int pos = r.nextInt(15);
            if (code.charAt(pos) == code.charAt(pos + 1)) {
                continue;
            }
            swaps++;
            String swapped = code.substring(0, pos) + code.charAt(pos + 1) + code.charAt(pos) + code.substring(pos + 2);
            try {
                EnrollmentCode.parse(swapped);
            } catch (IllegalArgumentException e) {
                caught++;
            }
        }
        assertTrue(caught >= swaps * 0.9, caught + " of " + swaps + " swaps caught");
    }

    @Test
    void wrong_lengths_and_letters_outside_the_alphabet_are_explained() {
        IllegalArgumentException shortCode = assertThrows(IllegalArgumentException.class, () -> EnrollmentCode.parse("K7M2-Q9XD"));
        assertTrue(shortCode.getMessage().contains("16 characters"), shortCode.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> EnrollmentCode.parse("U7M2-Q9XD-4RTB-8HWD"));
        assertTrue(u.getMessage().contains("'U'"), u.getMessage());
    }
}
