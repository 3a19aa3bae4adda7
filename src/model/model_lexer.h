/* model_lexer.h — the model language's tokens.
 *
 * Splits the equations text into tokens with their 1-based line and column
 * inside that text. Statements end at a newline outside parentheses; inside
 * parentheses a newline continues the expression, unless the next line
 * starts a new definition (`NAME =`), which ends the statement so that an
 * unclosed '(' is reported on its own line instead of swallowing the rest
 * of the equations. Comments (`#` to end of line) and blanks vanish.
 *
 * The lexer never raises on bad input: a character or number it cannot
 * read becomes a CUBIE_TOK_BAD token saying why, and the parser reports it
 * in line order with the other errors. It only fails when out of memory.
 */
#ifndef CUBIE_MODEL_LEXER_H
#define CUBIE_MODEL_LEXER_H

typedef enum cubie_token_kind {
  CUBIE_TOK_END = 0, /* end of the equations text */
  CUBIE_TOK_NEWLINE, /* end of a statement */
  CUBIE_TOK_NUMBER,
  CUBIE_TOK_NAME,
  CUBIE_TOK_PLUS,
  CUBIE_TOK_MINUS,
  CUBIE_TOK_STAR,
  CUBIE_TOK_SLASH,
  CUBIE_TOK_POWER, /* ^ or ** */
  CUBIE_TOK_LT,
  CUBIE_TOK_LE,
  CUBIE_TOK_GT,
  CUBIE_TOK_GE,
  CUBIE_TOK_EQ,
  CUBIE_TOK_NE,
  CUBIE_TOK_AND,
  CUBIE_TOK_OR,
  CUBIE_TOK_NOT,
  CUBIE_TOK_LPAREN,
  CUBIE_TOK_RPAREN,
  CUBIE_TOK_COMMA,
  CUBIE_TOK_ASSIGN,
  CUBIE_TOK_BAD
} cubie_token_kind;

typedef enum cubie_token_problem {
  CUBIE_TOKEN_FINE = 0,
  CUBIE_TOKEN_BAD_CHARACTER,  /* a character the language does not use */
  CUBIE_TOKEN_BAD_NUMBER,     /* "1e", "2x", "0x" */
  CUBIE_TOKEN_NUMBER_RANGE,   /* overflows a double */
  CUBIE_TOKEN_LONE_AMPERSAND, /* '&' instead of '&&' */
  CUBIE_TOKEN_LONE_BAR        /* '|' instead of '||' */
} cubie_token_problem;

typedef struct cubie_token {
  cubie_token_kind kind;
  const char *text; /* into the equations text; not terminated */
  int length;
  int line, column; /* 1-based, inside the equations text */
  double value;     /* CUBIE_TOK_NUMBER */
  cubie_token_problem problem;
} cubie_token;

/* Tokenise `text`. The array always ends with one CUBIE_TOK_END token; the
 * caller frees it. */
int cubie_model_lex(const char *text, cubie_token **tokens, int *n_tokens);

#endif
