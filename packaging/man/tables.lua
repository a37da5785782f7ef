-- pandoc Lua filter for the man pages made from docs/*.md: a table becomes
-- a definition list, one item per row (the first cell the term, the other
-- cells its description, each led by its column's header but the last),
-- which man lays out at any terminal width; tbl tables wider than the
-- line make groff warn (what lintian reports as groff-message).
-- Section headings in capitals, as man pages have them.
function Header(h)
  if h.level == 1 then
    return pandoc.walk_block(h, { Str = function(s) return pandoc.Str(pandoc.text.upper(s.text)) end })
  end
end

local function inlines(blocks)
  return pandoc.utils.blocks_to_inlines(blocks, { pandoc.Space() })
end

function Table(t)
  local heads = {}
  if #t.head.rows > 0 then
    for i, cell in ipairs(t.head.rows[1].cells) do
      heads[i] = pandoc.utils.stringify(cell.contents)
    end
  end
  local items = {}
  for _, body in ipairs(t.bodies) do
    for _, row in ipairs(body.body) do
      local desc = {}
      for i = 2, #row.cells do
        local c = inlines(row.cells[i].contents)
        if #c > 0 then
          local para = {}
          if i < #row.cells and (heads[i] or "") ~= "" then
            table.insert(para, pandoc.Emph(heads[i] .. ":"))
            table.insert(para, pandoc.Space())
          end
          for _, x in ipairs(c) do table.insert(para, x) end
          table.insert(desc, pandoc.Para(para))
        end
      end
      table.insert(items, { inlines(row.cells[1].contents), { desc } })
    end
  end
  return pandoc.DefinitionList(items)
end
