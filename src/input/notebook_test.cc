#include "input/notebook.h"

#include <gtest/gtest.h>

namespace leakguard::input {
namespace {

TEST(Notebook, CellSourcesAndTextOutputsInOrder) {
  const char* nb = R"NB({
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis\n", "\n", "Notes."]},
  {"cell_type": "code", "execution_count": 1, "metadata": {},
   "source": "import os\nprint(os.environ['HOME'])",
   "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["/home/me\n", "done\n"]},
    {"output_type": "display_data", "metadata": {},
     "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
              "text/plain": ["<Figure>"]}},
    {"output_type": "execute_result", "execution_count": 1, "metadata": {},
     "data": {"application/json": {"token": "abc"}, "text/html": ["<b>hi</b>"]}},
    {"output_type": "error", "ename": "KeyError", "evalue": "'X'",
     "traceback": ["Traceback (most recent call last)", "KeyError: 'X'"]}
   ]},
  {"cell_type": "raw", "metadata": {}, "source": []}
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4, "nbformat_minor": 5
})NB";
  auto parts = ParseNotebook(nb);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 7u);
  EXPECT_EQ((*parts)[0].cell, 1u);
  EXPECT_EQ((*parts)[0].output, 0u);
  EXPECT_EQ((*parts)[0].text, "# Analysis\n\nNotes.");
  EXPECT_EQ((*parts)[1].cell, 2u);
  EXPECT_EQ((*parts)[1].text, "import os\nprint(os.environ['HOME'])");
  EXPECT_EQ((*parts)[2].output, 1u);
  EXPECT_EQ((*parts)[2].text, "/home/me\ndone\n");
  EXPECT_EQ((*parts)[3].output, 2u);
  EXPECT_EQ((*parts)[3].text, "<Figure>") << "image data is left out";
  EXPECT_EQ((*parts)[4].output, 3u);
  EXPECT_NE((*parts)[4].text.find("\"token\": \"abc\""), std::string::npos);
  EXPECT_NE((*parts)[4].text.find("<b>hi</b>"), std::string::npos);
  EXPECT_EQ((*parts)[5].output, 4u);
  EXPECT_EQ((*parts)[5].text, "KeyError: 'X'\nTraceback (most recent call last)\nKeyError: 'X'");
  EXPECT_TRUE((*parts)[6].metadata);
  EXPECT_EQ((*parts)[6].cell, 0u);
  EXPECT_NE((*parts)[6].text.find("python3"), std::string::npos);
}

TEST(Notebook, Nbformat3Worksheets) {
  const char* nb = R"({"metadata": {}, "nbformat": 3, "worksheets": [{"cells": [
    {"cell_type": "code", "input": ["x = 1\n", "y = 2"], "language": "python",
     "outputs": [{"output_type": "pyout", "text": ["3"]}]},
    {"cell_type": "heading", "source": ["Title"], "level": 1}
  ]}]})";
  auto parts = ParseNotebook(nb);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].text, "x = 1\ny = 2");
  EXPECT_EQ((*parts)[1].output, 1u);
  EXPECT_EQ((*parts)[1].text, "3");
  EXPECT_EQ((*parts)[2].cell, 2u);
  EXPECT_EQ((*parts)[2].text, "Title");
}

TEST(Notebook, NotANotebook) {
  EXPECT_FALSE(ParseNotebook("").has_value());
  EXPECT_FALSE(ParseNotebook("{").has_value());
  EXPECT_FALSE(ParseNotebook("[]").has_value());
  EXPECT_FALSE(ParseNotebook(R"({"cells": 3})").has_value());
  EXPECT_FALSE(ParseNotebook(R"({"worksheets": [1]})").has_value());
  // Odd shapes inside a notebook are skipped, not fatal.
  auto odd = ParseNotebook(R"({"cells": [1, {"source": 7}, {"source": ["a"], "outputs": [null, 5,
    {"data": {"text/plain": 9}}]}], "metadata": []})");
  ASSERT_TRUE(odd.has_value());
  ASSERT_EQ(odd->size(), 1u);
  EXPECT_EQ((*odd)[0].cell, 3u);
}

}  // namespace
}  // namespace leakguard::input
