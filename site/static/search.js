/* enhanced search: see issue 3 */
